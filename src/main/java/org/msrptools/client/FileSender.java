package org.msrptools.client;

import io.netty.channel.Channel;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.ChunkHeads;
import org.msrptools.protocol.ContentDisposition;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpContent;
import org.msrptools.protocol.MsrpEnd;
import org.msrptools.protocol.MsrpFrame;
import org.msrptools.protocol.MsrpFrameError;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpResponse;
import org.msrptools.protocol.MsrpSyntaxException;
import org.msrptools.protocol.RandomIds;
import org.msrptools.protocol.Status;
import org.msrptools.protocol.TransactionId;

/**
 * Sends one file as one MSRP message in chunks, reading the file as it
 * goes: none while the connection is not writable, so memory stays flat and
 * the slowest hop sets the pace. Chunks go in blocks ({@link ChunkBlock}):
 * several read from the file at once, written at once, and flushed together.
 *
 * <p>By default the chunks ask for failures only (Failure-Report partial,
 * RFC 4975): no hop answers a chunk that went well, which spares every hop a
 * 200 to write, send, read and match per chunk, and a failure still comes
 * back as a response or a REPORT. With {@code everyChunkAnswered}
 * (Failure-Report yes) each chunk is answered, and at most {@code window}
 * go unanswered. A relay may answer anyway (Kamailio and the original relay
 * answer every chunk): its 200s are let pass.
 *
 * <p>A chunk's 200 comes from the next hop (a relay answers at once),
 * so only the receiver's success REPORTs confirm delivery: the transfer is
 * done when the ranges they report cover the file, whether one REPORT does
 * it or one per chunk. After the last chunk the wait lasts as long as the
 * receiver keeps confirming (it may still be waiting for this side's path);
 * it ends without confirmation after the idle time with nothing new, or,
 * when unconfirmed delivery is accepted (receivers that never report),
 * after {@code reportWait} without any REPORT at all.
 *
 * <p>The receiver's REPORTs also pace the sender ({@link ConfirmationPace}).
 *
 * <p>The first chunk goes alone and asks for its answer (Failure-Report yes),
 * and the rest waits for that answer, for at most {@link #FIRST_ANSWER_MILLIS}
 * (half the idle limit when that is shorter): this side's relay refuses
 * what it can tell is wrong before the rest goes (a session it does not have,
 * as in the path of a receiver that has gone: 481; a next hop that does not
 * resolve). A refusal from further on (a second relay, the receiver) comes
 * later, as a REPORT, after more chunks went. Either way no receiver keeps
 * any of the file, and the session can go on to a path given again
 * ({@link #refusedWhole}), with a new sender: what is still on its way
 * for this one is not taken for the next one's (a REPORT by its Message-ID,
 * a response by the first characters of its transaction id, which all of one
 * sender's chunks share).
 */
public final class FileSender implements MsrpConnection.Listener {

    /** What was sent: bytes, SHA-256, and whether the receiver confirmed delivery. */
    public record Result(long bytes, String sha256, boolean confirmed) {
    }

    private static final long NOTE_AFTER_MILLIS = 1000;
    /**
     * How long a closed receiver connection waits for the receiver's own
     * reason: its relay answers the chunks after the close at once, while
     * the refusal the receiver sent before closing (413, and why) comes the
     * longer way, as a REPORT made from its answer, and may be just behind.
     */
    private static final long REASON_GRACE_MILLIS = 1000;
    /**
     * How long the rest of the file waits for the first chunk's answer: a
     * relay answers at once, or after it connected to the next hop; one that
     * does not answer (against RFC 4975) costs this much once.
     */
    static final long FIRST_ANSWER_MILLIS = 3000;
    /**
     * File bytes per block: large enough that reads, writes and flushes are
     * few (six 10 KiB chunks; one chunk when chunks are larger), small enough
     * that the window still holds several blocks.
     */
    public static final int BLOCK_BYTES = 64 * 1024;
    /** How a sender refuses what is sent to it; another msrp-send given its path reads it so. */
    static final String ONLY_SENDS = "This end only sends";
    private static final Logger LOG = Logger.getLogger(FileSender.class.getName());

    private final Authentication.Session session;
    private final MsrpPath toPath;
    /** The session id of the receiver's own URI (the path's last): only it confirms delivery. */
    private final String receiverSession;
    private final FileChannel file;
    private final long total;
    private final String messageId = RandomIds.messageId();
    /** What this sender's transaction ids begin with: answers to another's, on the same connection, are not its. */
    private final String idPrefix = TransactionId.randomPrefix();
    private final ChunkHeads heads;
    /** The first chunk's head: as {@link #heads}, asking for an answer (Failure-Report yes). */
    private final ChunkHeads firstHeads;
    /** The file's name and type, as its first chunk gives them. */
    private final MsrpHeaders described;
    private final int chunkSize;
    private final int window;
    /** Failure-Report yes: each chunk is answered, and the window counts the unanswered. */
    private final boolean everyChunkAnswered;
    /** Chunks per block: a block waits until the window has room for all of them. */
    private final int blockChunks;
    private final Duration reportWait;
    private final Progress progress;
    private final MessageDigest sha256;
    /** The receiver's connection closed: what to fail with unless its own reason comes within the grace. */
    private ClientException receiverGone;
    private final Completion<Result> completion = new Completion<>();
    private final Map<String, Long> unanswered = new HashMap<>();
    /** The first chunk's id: its failure means no chunk got through, its answer lets the rest go. */
    private String firstTransactionId;
    /** The last byte of the first chunk (1-based; 0 for an empty file): a REPORT on no more is about it alone. */
    private long firstChunkEnd;
    /** The first chunk went and neither its answer nor {@link #firstAnswerMillis} came yet: nothing more goes. */
    private boolean firstPending;
    /** What the send failed with when the file was refused whole: at its first chunk, or as another sender's. */
    private volatile ClientException wholeRefusal;
    /** How long the rest waits for the first chunk's answer: less than the idle limit. */
    private long firstAnswerMillis = FIRST_ANSWER_MILLIS;
    /** Bytes the receiver's success REPORTs cover. */
    private final ReceivedRanges confirmed = new ReceivedRanges();
    private boolean acceptUnconfirmed;
    private long position;
    /** Bytes the next hop took: answered with 200, or, when only failures are answered, written. */
    private long acknowledged;
    private boolean started;
    private ConfirmationPace pace;
    /** While at the pace's limit: what the receiver had confirmed (for the idle message); else -1. */
    private volatile long waitingWith = -1;
    /** A look at whether the receiver confirmed more is scheduled (the sender is at the pace's limit). */
    private boolean paceCheck;
    /** Every chunk is with the next hop; read by the waiting thread to pick its time limit. */
    private volatile boolean allAccepted;
    /** How long the wait for a confirmation may go without one (the command's --peer-timeout). */
    private Duration peerTimeout;

    public FileSender(Authentication.Session session, MsrpPath destination, Path path, String name,
                      String contentType, int chunkSize, boolean everyChunkAnswered, int window, Duration reportWait,
                      Progress progress) throws ClientException {
        this.session = session;
        this.toPath = session.usePath().concat(destination);
        this.receiverSession = destination.last().sessionId();
        this.chunkSize = chunkSize;
        this.window = window;
        this.everyChunkAnswered = everyChunkAnswered;
        // At most half the window, so that while a block waits for room the other half is in flight.
        this.blockChunks = Math.max(1, Math.min(everyChunkAnswered ? window / 2 : Integer.MAX_VALUE,
                BLOCK_BYTES / chunkSize));
        this.reportWait = reportWait;
        this.progress = progress;
        try {
            this.file = FileChannel.open(path, StandardOpenOption.READ);
            this.total = file.size();
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (IOException e) {
            throw new ClientException(ClientException.Kind.LOCAL_FILE, "cannot read " + path + ": " + FileProblem.of(e), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        this.described = new MsrpHeaders().add(MsrpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment(name))
                .add(MsrpHeaders.CONTENT_TYPE, contentType);
        this.heads = heads(everyChunkAnswered ? "yes" : "partial");
        this.firstHeads = everyChunkAnswered ? heads : heads("yes");
    }

    private ChunkHeads heads(String failureReport) {
        return new ChunkHeads(toPath, MsrpPath.of(session.ownUri()),
                new MsrpHeaders().add(MsrpHeaders.MESSAGE_ID, messageId),
                new MsrpHeaders().add(MsrpHeaders.SUCCESS_REPORT, "yes").add(MsrpHeaders.FAILURE_REPORT, failureReport)
                        .addAll(described)); // Content-Type last, as RFC 4975 section 9 has it
    }

    /**
     * Whether {@code failure}, what {@link #send} threw, is a refusal after
     * which no receiver keeps any of the file (of the first chunk, as for a
     * path to no session; or of the file as another sender's, whenever the
     * receiver learnt it): the same session may send again to a path given
     * anew.
     */
    public boolean refusedWhole(ClientException failure) {
        return failure == wholeRefusal;
    }

    /** Whether a transfer the receiver never confirms still counts as done (after {@code reportWait}). */
    public FileSender acceptingUnconfirmed(boolean accept) {
        this.acceptUnconfirmed = accept;
        return this;
    }

    /** Sends the file and waits until it is confirmed or fails, each wait at most {@code idleTimeout}. */
    public Result send(Duration idleTimeout) throws ClientException, InterruptedException {
        return send(idleTimeout, idleTimeout);
    }

    /**
     * Sends the file and waits until it is confirmed or fails: up to
     * {@code idleTimeout} at a time while chunks go, then up to
     * {@code peerTimeout} for the receiver's confirmation, which may wait
     * for its user to give this side's path.
     */
    public Result send(Duration idleTimeout, Duration peerTimeout) throws ClientException, InterruptedException {
        this.peerTimeout = peerTimeout;
        this.firstAnswerMillis = Math.min(FIRST_ANSWER_MILLIS, idleTimeout.toMillis() / 2);
        this.pace = new ConfirmationPace();
        progress.start(total);
        session.connection().listener(this);
        Channel ch = session.connection().channel();
        ch.eventLoop().execute(this::pump);
        try {
            Result r = completion.await(() -> allAccepted ? peerTimeout : idleTimeout, () -> (waitingWith < 0 ? "sending"
                    : "waiting for the receiver to confirm more than " + waitingWith + " bytes before sending more")
                    + (allAccepted ? " (--peer-timeout)" : " (--timeout)"));
            progress.finish();
            return r;
        } catch (ClientException | InterruptedException e) {
            progress.clear();
            throw e;
        } finally {
            try {
                file.close();
            } catch (IOException e) {
                // read-only: nothing to lose
            }
        }
    }

    /**
     * The user stopped this end, from any thread: the message is ended with
     * '#' (RFC 4975 section 7.1.1) so the receiver hears of it at once. Every
     * chunk is written whole, so the abort is an empty chunk after the last.
     */
    public void abort(ClientException why) {
        try {
            session.connection().channel().eventLoop().submit(() -> abortOnLoop(why)).syncUninterruptibly();
        } catch (RejectedExecutionException ended) {
            // The run had ended already (the receiver stopped first) and its connection with it: nothing to
            // tell, and no stack trace (found by a new user: Ctrl-C as the receiver's stop was said).
        }
    }

    private void abortOnLoop(ClientException why) {
        if (completion.isDone()) {
            return;
        }
        if (receiverGone != null) { // nobody left to tell
            completion.fail(new ClientException(why.kind(), why.getMessage() + " after " + acknowledged + " of "
                    + total + " bytes sent; nobody left to tell: the receiver, or a relay on the way to it, "
                    + "had gone"));
            return;
        }
        MsrpHeaders h = new MsrpHeaders()
                .add(MsrpHeaders.MESSAGE_ID, messageId)
                .add(MsrpHeaders.BYTE_RANGE, new ByteRange(position + 1, position, total))
                .add(MsrpHeaders.FAILURE_REPORT, "no");
        if (!started) {
            // Nothing of the file went: the abort says which file it ends, or the receiver would take it for
            // another message and wait for the file until its --peer-timeout (found by review).
            h.addAll(described);
        }
        String tid = TransactionId.random();
        session.connection().send(new MsrpRequest(tid, MsrpMethod.SEND, toPath, MsrpPath.of(session.ownUri()), h),
                new MsrpEnd(tid, Continuation.ABORT));
        session.connection().lingerOnClose(true);
        // After the last byte an abort changes nothing (RFC 4975 section 7.1.1): the receiver may store the file.
        completion.fail(new ClientException(why.kind(), why.getMessage() + (position < total
                ? " after " + acknowledged + " of " + total + " bytes; the receiver was sent an abort"
                : " after all " + total + " bytes were sent, before the receiver confirmed them: it may still "
                + "store the file")));
    }

    /**
     * On the connection's thread: sends blocks of chunks while the window has
     * room for a whole block and the socket takes more, then flushes once.
     */
    private void pump() {
        Channel ch = session.connection().channel();
        boolean wrote = false;
        try {
            while (!completion.isDone() && receiverGone == null && !firstPending && ch.isWritable()
                    && (position < total || !started)) {
                if (everyChunkAnswered
                        && window - unanswered.size() < Math.min(blockChunks, ChunkBlock.chunks(total - position, chunkSize))) {
                    break;
                }
                if (!pace.allows(position, confirmed.received())) {
                    atPaceLimit();
                    break;
                }
                waitingWith = -1;
                boolean first = !started;
                ChunkBlock block = ChunkBlock.read(ch.alloc(), file, position, total, chunkSize,
                        first ? 1 : blockChunks, first ? firstHeads : heads, idPrefix, sha256);
                started = true;
                position += block.bodyBytes();
                if (first) {
                    firstChunkEnd = block.bodyBytes();
                    awaitFirstAnswer(block.chunks()[0].transactionId());
                }
                if (everyChunkAnswered) {
                    for (ChunkBlock.Chunk c : block.chunks()) {
                        unanswered.put(c.transactionId(), (long) c.length());
                    }
                } else {
                    taken(block.bodyBytes());
                }
                ch.write(block.bytes(), ch.voidPromise());
                wrote = true;
            }
        } catch (IOException e) {
            abortOnLoop(new ClientException(ClientException.Kind.LOCAL_FILE, "cannot read the file: " + e.getMessage(),
                    e));
        } catch (RuntimeException | OutOfMemoryError e) {
            // Run as a task of the connection's loop, which would only log it: the send would wait out --timeout
            // (found by review).
            abortOnLoop(new ClientException(ClientException.Kind.LOCAL_FILE, "cannot prepare a chunk of "
                    + chunkSize + " bytes: " + e, e));
        }
        if (wrote) {
            ch.flush();
        }
    }

    /** The first chunk went: the rest waits for its answer, or for {@link #firstAnswerMillis}. */
    private void awaitFirstAnswer(String transactionId) {
        firstTransactionId = transactionId;
        firstPending = true;
        session.connection().channel().eventLoop().schedule(this::firstAnswered, firstAnswerMillis,
                TimeUnit.MILLISECONDS);
    }

    private void firstAnswered() {
        if (firstPending) {
            firstPending = false;
            pump();
        }
    }

    /**
     * At the pace's limit: if the receiver confirms nothing more within the
     * pace's patience, the pace decides whether to relax (a receiver that
     * reports differently than msrp-receive) or to go on waiting (one that
     * confirmed as it went); the look is then taken again while at the limit.
     */
    private void atPaceLimit() {
        waitingWith = confirmed.received();
        if (paceCheck) {
            return;
        }
        paceCheck = true;
        long then = confirmed.received();
        session.connection().channel().eventLoop().schedule(() -> {
            paceCheck = false;
            if (completion.isDone() || pace.allows(position, confirmed.received())) {
                return;
            }
            String what = confirmed.received() == then ? pace.relax() : null;
            if (what != null) {
                LOG.fine(() -> "after " + position + " bytes: " + what);
                pump();
            } else {
                atPaceLimit();
            }
        }, pace.patienceMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void frame(MsrpFrame frame) {
        if (!allAccepted) {
            completion.activity(); // afterwards only a confirmation is progress
        }
        if (frame instanceof MsrpContent c) {
            c.release();
        } else if (frame instanceof MsrpResponse r) {
            onResponse(r);
        } else if (frame instanceof MsrpRequest r && MsrpMethod.REPORT.equals(r.method())) {
            onReport(r);
        } else if (frame instanceof MsrpRequest r && !MsrpMethod.REPORT.equals(r.method())) {
            refuse(session, r);
        } else if (frame instanceof MsrpFrameError e) {
            completion.fail(new ClientException(ClientException.Kind.TRANSFER,
                    "the relay sent invalid MSRP: " + e.cause().getMessage()));
        }
    }

    /**
     * Refuses a request sent to this end (403), unless its Failure-Report
     * says no, or the connection cannot take the answer now: a relay that
     * sends and does not read would pile the answers up here (it times the
     * request out itself).
     */
    static void refuse(Authentication.Session session, MsrpRequest r) {
        if (!"no".equals(r.headers().failureReport()) && session.connection().channel().isWritable()) {
            MsrpResponse no = r.respond(403, ONLY_SENDS);
            session.connection().send(no, new MsrpEnd(no.transactionId(), Continuation.COMPLETE));
        }
    }

    private void onResponse(MsrpResponse r) {
        if (!r.transactionId().startsWith(idPrefix)) {
            return; // to a sender before this one on the connection (a path given again)
        }
        boolean first = r.transactionId().equals(firstTransactionId);
        if (!everyChunkAnswered) {
            if (r.code() != 200) {
                // Only a failure is answered; a relay's 200 anyway is let pass.
                refused(r.code(), r.comment(), first);
            } else if (first) {
                firstAnswered();
            }
            return;
        }
        Long length = unanswered.remove(r.transactionId());
        if (length == null) {
            return; // a second answer to the same chunk (some relays answer twice)
        }
        if (r.code() != 200) {
            refused(r.code(), r.comment(), first);
            return;
        }
        taken(length);
        if (first) {
            firstPending = false;
        }
        pump();
    }

    /**
     * The next hop has {@code bytes} more (when only failures are answered:
     * the connection took them, which is progress too): shown, and after the
     * last, the wait for the confirmation begins.
     */
    private void taken(long bytes) {
        completion.activity();
        acknowledged += bytes;
        progress.update(acknowledged);
        if (position >= total && unanswered.isEmpty() && !allAccepted) {
            allAccepted();
        }
    }

    /** Every chunk is with the next hop: from now on only the receiver's confirmation counts. */
    private void allAccepted() {
        allAccepted = true;
        completion.activity();
        completion.whenIdle(this::unconfirmed);
        var loop = session.connection().channel().eventLoop();
        loop.schedule(() -> {
            if (!completion.isDone() && receiverGone == null) {
                progress.note("all " + total + " bytes sent; waiting for the receiver to confirm");
            }
        }, NOTE_AFTER_MILLIS, TimeUnit.MILLISECONDS);
        if (acceptUnconfirmed) {
            loop.schedule(() -> {
                if (confirmed.received() == 0 && !completion.isDone()) {
                    completion.complete(new Result(total, hex(), false)); // a receiver that never reports
                }
            }, reportWait.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private Result unconfirmed() throws ClientException {
        if (acceptUnconfirmed && confirmed.received() == 0) { // a receiver that confirms as it goes must confirm all
            return new Result(total, hex(), false);
        }
        long some = confirmed.received();
        throw new ClientException(ClientException.Kind.UNCONFIRMED, "sent all " + total + " bytes; the receiver "
                + "did not confirm" + (some > 0 ? " the whole file" : "") + " within " + peerTimeout.toSeconds()
                + " s (" + (some > 0 ? "it confirmed " + some + " bytes as they came: is it still waiting for this "
                + "side's path, or was its last report lost? see what the receiver says)"
                : "is it still waiting for this side's path? or its confirmations cannot come back: a relay on the "
                + "way that cannot reach the next logs next_hop_failed; --accept-unconfirmed accepts receivers that "
                + "never confirm)"));
    }

    private void onReport(MsrpRequest report) {
        if (!messageId.equals(report.headers().messageId())) {
            return;
        }
        Status status;
        ByteRange range;
        try {
            status = report.headers().status();
            range = report.headers().byteRange();
        } catch (MsrpSyntaxException e) {
            return;
        }
        if (status == null) {
            return;
        }
        if (status.code() != 200) {
            // A receiver that stops reports on what it has, from byte 1 too: only a range within the first chunk
            // says that the first chunk was refused; from a later byte of it, a relay on the way split it (a
            // link shared with other sessions: RFC 4975 section 7.3.1; found by review).
            boolean first = range != null && range.end() != ByteRange.UNKNOWN && range.end() <= firstChunkEnd;
            if (first && status.code() == 408 && !everyChunkAnswered) {
                // Only the first chunk asked for an answer, to hear of a wrong path at once; no answer from the
                // receiver in the relay's time (a stopped process, a receiver that answers nothing) is no failure
                // here, no more than for the chunks after it, which nobody times: the receiver's REPORTs decide.
                return;
            }
            refused(status.code(), status.comment(), first);
            return;
        }
        // Only the receiver reports success (RFC 4975 section 7.1.2): a hop's REPORT of 200 confirms nothing.
        // Known by its session id, as the relays on the way deliver by it: the rest of the URI a user pasted
        // may carry a typo (a transport or a host spelt otherwise) that delivery never reads.
        if (receiverSession == null || !receiverSession.equals(report.fromPath().last().sessionId())) {
            return;
        }
        long before = confirmed.received();
        // RFC 4975 requires Byte-Range; without one it can only mean the message. Never more than was sent.
        // Pieces beyond the receiver's own limit are ignored: a receiver confirming scattered bytes on purpose
        // would grow this end's memory with every REPORT.
        if (range == null) {
            confirmed.add(1, position, FileReceiver.MAX_PIECES);
        } else if (range.end() != ByteRange.UNKNOWN) {
            confirmed.add(range.start(), Math.min(range.end(), position), FileReceiver.MAX_PIECES);
        }
        if (position == total && confirmed.covers(total)) {
            completion.complete(new Result(total, hex(), true));
        } else if (confirmed.received() > before) {
            pace.confirmed();
            completion.activity();
            pump();
        }
    }

    /**
     * A refusal or a failure report, in words that say what happened. A 481
     * once this side's session has outlived its lifetime is about this side;
     * once a chunk got through, it means a connection beyond this side's
     * relay closed (our relay: "Next hop closed the connection"): the
     * receiver's, as when it stops without a word (killed), or that of a
     * relay on the way (one that stopped); for the first chunk
     * ({@code atFirstChunk}), that the receiver's path leads to no session.
     * Any other refusal may be the relay's or the receiver's, and nothing on
     * the wire says which: our relay refuses some chunks itself (403 for a
     * private next hop), as a response or as a failure REPORT of its own,
     * and it also turns the receiver's refusal into a REPORT from itself
     * (RFC 4976: a REPORT's From-Path names the relay that made it); the
     * comment says what. Byte counts are of what was sent: with
     * Failure-Report partial nothing says what arrived. A refusal of the first
     * chunk means that no receiver keeps any of the file, whatever the reason
     * (a path to no session, to a host that does not resolve or is not a
     * relay, to another sender, to a receiver given another path): another
     * path may do ({@link #refusedWhole}). So may the path given to the
     * receiver when it refuses the file as another sender's: it keeps none of
     * it, even when it learnt so only after more came (given its path late).
     */
    private void refused(int code, String comment, boolean atFirstChunk) {
        if (receiverGone != null && code == 481) {
            return; // one more chunk after the close: the first one said it
        }
        String what = code + (comment == null ? "" : " " + comment);
        if (code == 481 && session.ended()) { // about this side: no path given again would help
            completion.fail(new ClientException(ClientException.Kind.TRANSFER, "the relay no longer knows this "
                    + "side's session (" + what + "): " + session.lifetimeSaid() + "; start both ends again"));
            return;
        }
        boolean notThePeer = code == 403 && FileReceiver.NOT_THE_PEER.equals(comment);
        // A REPORT on the first chunk alone may come after more went (a receiver given its path late).
        String when = atFirstChunk && acknowledged <= firstChunkEnd ? "at its first chunk"
                : "after " + acknowledged + " bytes sent";
        String message;
        if (code == FileReceiver.STOP && FileReceiver.STOPPED.equals(comment)) {
            message = "the receiver stopped " + when;
        } else if (code == 481 && !atFirstChunk) {
            // The next hop of the relay that answers may be the receiver or another relay.
            receiverGone = new ClientException(ClientException.Kind.TRANSFER, "the receiver, or a relay on the way to "
                    + "it, went away after " + acknowledged + " bytes sent (" + what + ")");
            session.connection().channel().eventLoop().schedule(() -> completion.fail(receiverGone),
                    REASON_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            return;
        } else if (notThePeer) {
            message = "the receiver refused the file " + when + " (" + what + "): it was given another sender's "
                    + "path (to take this file, it must be given this side's)";
        } else if (code == 403 && ONLY_SENDS.equals(comment)) {
            message = "the path given is another sender's, not a receiver's (" + what + "): msrp-send takes no file";
        } else if (code == 506) {
            // The relay binds a receiver's session to the first connection that sends into it (ours lets the
            // next sender have it once the receiver refused that one).
            message = "the relay refused the file " + when + " (" + what + "): another sender holds the way to that "
                    + "receiver, and it must stop first";
        } else if (code == 481) {
            message = "the receiver's path leads to no session (" + what
                    + "): is msrp-receive still running, and was the path it printed in this run given whole?";
        } else if (code == 408) {
            // Our relay's comment says what: no response from the next hop, a name that does not resolve, a stop.
            message = "the way to the receiver failed " + when + " (" + what + ")";
        } else {
            message = "the relay or the receiver refused the file " + when + ": " + what;
        }
        ClientException failure = new ClientException(ClientException.Kind.TRANSFER, message);
        if (anotherPathMayDo(code, comment, atFirstChunk) && wholeRefusal == null && !completion.isDone()) {
            wholeRefusal = failure; // the refusal that ends the send (a relay may answer twice)
        }
        completion.fail(failure);
    }

    /**
     * Whether a refusal leaves the file to another path: one of the first
     * chunk (a path to no session, a wrong one), or a receiver's that was
     * given another sender's path. Not a receiver stopped by its user, at
     * whatever chunk: no path given again brings it back (found by a new
     * user: a receiver stopped at once left the sender asking for a path).
     */
    static boolean anotherPathMayDo(int code, String comment, boolean atFirstChunk) {
        if (code == FileReceiver.STOP && FileReceiver.STOPPED.equals(comment)) {
            return false;
        }
        return atFirstChunk || code == 403 && FileReceiver.NOT_THE_PEER.equals(comment);
    }

    /**
     * Whether the send ended before more than its first chunk was taken, that
     * chunk being over the standard size: then its size may be what a relay
     * refused (a file no larger than the standard chunk never is).
     */
    public boolean endedWithinALargeFirstChunk() {
        long first = Math.min(chunkSize, total);
        return first > DefaultChunkSize.STANDARD && acknowledged <= first;
    }

    private String hex() {
        try {
            return HexFormat.of().formatHex(((MessageDigest) sha256.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void writable() {
        pump();
    }

    @Override
    public void closed() {
        completion.fail(ConnectionLoss.of(session, "after " + acknowledged + " of " + total + " bytes"));
    }
}
