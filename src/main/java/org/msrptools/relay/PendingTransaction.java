package org.msrptools.relay;

import java.util.concurrent.Future;
import org.msrptools.protocol.MsrpRequest;

/**
 * A chunk the relay forwarded and whose response it awaits, with what it
 * needs to send the original sender a failure REPORT.
 */
record PendingTransaction(RelayConnection source, MsrpRequest received, Future<?> timeout) {
}
