package org.msrptools.client;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.Consumer;
import org.msrptools.protocol.ByteRange;
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
import org.msrptools.protocol.Status;
import org.msrptools.protocol.TransactionId;

/**
 * Receives one file: each chunk is written at its Byte-Range offset into a
 * temporary file in the output directory as it streams in; when every byte
 * has arrived the file is synced, hashed and linked under its final name
 * (a cleaned version of the sender's, never overwriting), and the sender
 * gets its success REPORT. Whatever fails, nothing appears under the final
 * name. Only the peer whose path was given may send (403 otherwise).
 */
public final class FileReceiver implements MsrpConnection.Listener {

    /** What arrived: where it is, how big, its SHA-256. */
    public record Result(Path file, long bytes, String sha256) {
    }

    private final Authentication.Session session;
    private final MsrpPath peerPath;
    private final Path outputDir;
    private final long maxSize;
    private final Progress progress;
    private final Consumer<String> console;
    private final Completion<Result> completion = new Completion<>();
    private final ReceivedRanges ranges = new ReceivedRanges();

    private String messageId;
    private String name;
    private long total = ByteRange.UNKNOWN;
    private Path temp;
    private FileChannel out;
    /** The chunk being received: its request, where its next byte goes, and whether it is refused. */
    private MsrpRequest chunk;
    private long writeAt;
    private long chunkStart;
    private int refusal;
    private String refusalText;
    private ClientException stopAfterAnswer;

    public FileReceiver(Authentication.Session session, MsrpPath peerPath, Path outputDir, long maxSize,
                        Progress progress, Consumer<String> console) {
        this.session = session;
        this.peerPath = peerPath;
        this.outputDir = outputDir;
        this.maxSize = maxSize;
        this.progress = progress;
        this.console = console;
    }

    public Result receive(Duration idleTimeout) throws ClientException, InterruptedException {
        session.connection().listener(this);
        try {
            return completion.await(idleTimeout, messageId == null ? "waiting for the file" : "receiving");
        } catch (ClientException | InterruptedException e) {
            session.connection().channel().eventLoop().execute(this::discard);
            throw e;
        } finally {
            progress.finish();
        }
    }

    @Override
    public void frame(MsrpFrame frame) {
        completion.activity();
        if (completion.isDone()) {
            if (frame instanceof MsrpContent c) {
                c.release();
            }
            return;
        }
        if (frame instanceof MsrpRequest r) {
            onRequest(r);
        } else if (frame instanceof MsrpContent c) {
            try {
                onContent(c.content());
            } finally {
                c.release();
            }
        } else if (frame instanceof MsrpEnd e) {
            onEnd(e.continuation());
        } else if (frame instanceof MsrpFrameError e) {
            fail(ClientException.Kind.TRANSFER, "the relay sent invalid MSRP: " + e.cause().getMessage());
        }
        // Responses need nothing: this end sends only REPORTs, which get none.
    }

    private void onRequest(MsrpRequest r) {
        chunk = r;
        refusal = 0;
        if (!MsrpMethod.SEND.equals(r.method())) {
            chunk = null; // REPORTs and the like: nothing to store
            return;
        }
        if (!r.fromPath().last().equals(peerPath.last())) {
            refuse(403, "Not the peer this end is waiting for");
            return;
        }
        ByteRange range;
        try {
            range = r.headers().byteRange();
        } catch (MsrpSyntaxException e) {
            refuse(400, e.getMessage());
            return;
        }
        if (!r.hasBody() && (range == null || range.length() == 0) && messageId == null) {
            return; // an empty SEND: keep-alive or binding
        }
        if (range == null) {
            range = new ByteRange(1, ByteRange.UNKNOWN, ByteRange.UNKNOWN);
        }
        String id = r.headers().messageId() == null ? "" : r.headers().messageId();
        if (messageId == null) {
            if (!begin(r, id, range)) {
                return;
            }
        } else if (!messageId.equals(id)) {
            refuse(403, "One file at a time");
            return;
        }
        if (range.total() != ByteRange.UNKNOWN && total != ByteRange.UNKNOWN && range.total() != total) {
            refuse(400, "Byte-Range total changed");
            return;
        }
        chunkStart = range.start();
        writeAt = range.start() - 1;
    }

    private boolean begin(MsrpRequest r, String id, ByteRange range) {
        ContentDisposition cd;
        try {
            cd = r.headers().contentDisposition();
        } catch (MsrpSyntaxException e) {
            cd = null;
        }
        name = SafeFileName.clean(cd == null ? null : cd.filename());
        total = range.total();
        if (total != ByteRange.UNKNOWN && total > maxSize) {
            refuseAndStop(413, "File of " + total + " bytes is over the limit of " + maxSize,
                    ClientException.Kind.TRANSFER, "refused \"" + name + "\": " + total + " bytes is over --max-size " + maxSize);
            return false;
        }
        try {
            Files.createDirectories(outputDir);
            if (total != ByteRange.UNKNOWN && total > outputDir.toFile().getUsableSpace()) {
                refuseAndStop(413, "Not enough disk space", ClientException.Kind.LOCAL_FILE, "refused \"" + name + "\": " + total
                        + " bytes is more than the free space in " + outputDir);
                return false;
            }
            temp = Files.createTempFile(outputDir, ".msrp-", ".part");
            out = FileChannel.open(temp, StandardOpenOption.WRITE);
        } catch (IOException e) {
            refuseAndStop(500, "Cannot store the file", ClientException.Kind.LOCAL_FILE,
                    "cannot write in " + outputDir + ": " + e.getMessage());
            return false;
        }
        messageId = id;
        console.accept("Receiving file \"" + name + "\"");
        progress.start(total == ByteRange.UNKNOWN ? 0 : total);
        return true;
    }

    private void onContent(ByteBuf data) {
        if (chunk == null || refusal != 0 || out == null) {
            return;
        }
        int n = data.readableBytes();
        if (total != ByteRange.UNKNOWN && writeAt + n > total) {
            refuseAndStop(413, "More bytes than the Byte-Range total", ClientException.Kind.TRANSFER,
                    "the sender sent more bytes than it announced");
            return;
        }
        try {
            long at = writeAt;
            while (data.isReadable()) {
                at += data.readBytes(out, at, data.readableBytes());
            }
            writeAt = at;
        } catch (IOException e) {
            refuseAndStop(500, "Cannot store the file", ClientException.Kind.LOCAL_FILE,
                    "cannot write " + temp + ": " + e.getMessage());
        }
    }

    private void onEnd(Continuation flag) {
        MsrpRequest r = chunk;
        chunk = null;
        if (r == null) {
            return;
        }
        if (refusal != 0) {
            respond(r, refusal, refusalText);
            if (stopAfterAnswer != null) {
                completion.fail(stopAfterAnswer);
            }
            return;
        }
        if (flag == Continuation.ABORT) {
            fail(ClientException.Kind.TRANSFER, "the sender aborted the transfer");
            return;
        }
        if (writeAt >= chunkStart) {
            ranges.add(chunkStart, writeAt);
        }
        respond(r, 200, "OK");
        progress.update(ranges.received());
        boolean complete = total != ByteRange.UNKNOWN ? ranges.covers(total) : flag == Continuation.COMPLETE;
        if (complete && out != null) {
            finish(r);
        }
    }

    private void finish(MsrpRequest last) {
        try {
            out.force(true);
            out.close();
            out = null;
            long size = Files.size(temp);
            String sha = sha256(temp);
            Path target = link(temp);
            Files.delete(temp);
            temp = null;
            if (last.headers().successReport()) {
                report(last, size);
            }
            completion.complete(new Result(target, size, sha));
        } catch (IOException e) {
            fail(ClientException.Kind.LOCAL_FILE, "cannot store the file: " + e.getMessage());
        }
    }

    /** The final name: a hard link made only if the name is free, so nothing is ever overwritten. */
    private Path link(Path file) throws IOException {
        for (int n = 0; ; n++) {
            Path candidate = outputDir.resolve(SafeFileName.numbered(name, n));
            try {
                return Files.createLink(candidate, file);
            } catch (FileAlreadyExistsException e) {
                // taken: try the next number
            }
        }
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void report(MsrpRequest last, long size) {
        String tid = TransactionId.random();
        MsrpHeaders h = new MsrpHeaders()
                .add(MsrpHeaders.MESSAGE_ID, messageId)
                .add(MsrpHeaders.BYTE_RANGE, new ByteRange(1, size, size))
                .add(MsrpHeaders.STATUS, Status.of(200, "OK"));
        // As the original relay requires: own Use-Path, then the peer's path, as on every request.
        MsrpPath to = session.usePath().concat(peerPath);
        session.connection().send(new MsrpRequest(tid, MsrpMethod.REPORT, to, MsrpPath.of(session.ownUri()), h),
                new MsrpEnd(tid, Continuation.COMPLETE));
    }

    private void refuse(int code, String text) {
        refusal = code;
        refusalText = text;
    }

    /**
     * Refuses the chunk and ends the transfer once the chunk is answered: the
     * partial file goes at once, the failure when the end-line has been
     * answered, so the sender learns the real reason before this end closes.
     */
    private void refuseAndStop(int code, String text, ClientException.Kind kind, String message) {
        refuse(code, text);
        discard();
        stopAfterAnswer = new ClientException(kind, message);
    }

    private void respond(MsrpRequest r, int code, String comment) {
        if (!"no".equals(r.headers().failureReport())) {
            MsrpResponse resp = r.respond(code, comment);
            session.connection().send(resp, new MsrpEnd(resp.transactionId(), Continuation.COMPLETE));
        }
    }

    private void fail(ClientException.Kind kind, String message) {
        discard();
        completion.fail(new ClientException(kind, message));
    }

    /** Removes the partial file: nothing half-written may stay behind. */
    private void discard() {
        try {
            if (out != null) {
                out.close();
                out = null;
            }
            if (temp != null) {
                Files.deleteIfExists(temp);
                temp = null;
            }
        } catch (IOException e) {
            // best effort: the temp name is hidden and never the final one
        }
    }

    @Override
    public void closed() {
        if (!completion.isDone()) {
            fail(ClientException.Kind.CONNECTION, messageId == null
                    ? "the connection to the relay was lost before the file came"
                    : "the connection to the relay was lost after " + ranges.received() + " bytes of \"" + name + "\"");
        }
    }
}
