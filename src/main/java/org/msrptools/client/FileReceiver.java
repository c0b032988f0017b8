package org.msrptools.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.logging.Logger;
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
import org.msrptools.protocol.MsrpUri;
import org.msrptools.protocol.PrintableText;
import org.msrptools.protocol.Status;
import org.msrptools.protocol.TransactionId;

/**
 * Receives one file. Chunks are answered as they come, even before the user
 * has given the sender's path (else the relay's transaction timer would
 * fail the sender): each is written at its Byte-Range offset into a private
 * temporary file ({@link PartFile}) under --max-size and the free space.
 * The file is checked against the sender's path once that is known, and
 * discarded and refused (403) if it came from anyone else. When every byte
 * has come from the right sender, the file is synced, hashed and put under
 * its final name off the connection's thread, and the sender gets its
 * success REPORT. Whatever fails, nothing appears under the final name, the
 * temporary file goes, and a sender still sending is told.
 */
public final class FileReceiver implements MsrpConnection.Listener {

    /** What arrived: where it is, how big, and its SHA-256. */
    public record Result(Path file, long bytes, String sha256) {
    }

    /** RFC 4975's "stop sending this message": what a stopped receiver tells the sender. */
    public static final int STOP = 413;
    public static final String STOPPED = "Receiver stopped";
    /** The 403 for a sender whose path is not the one given: the sender's line says it. */
    static final String NOT_THE_PEER = "Not the peer this end is waiting for (it was given another path)";
    /** The 415 for a chat message: this end stores a file and shows no text. */
    static final String NOT_A_FILE = "Only a file is received here, not a chat message";
    /**
     * Content types of instant messages (RFC 4975's text/plain and
     * message/cpim, RFC 3994's is-composing): a SEND of one with no
     * Content-Disposition is a chat, not a file (senders of files, ours
     * and the original, name the file in a Content-Disposition). Taken
     * as the file, a chat line before the file was stored as it and
     * reported a success (found by review).
     */
    private static final Set<String> CHAT_TYPES = Set.of("text/plain", "message/cpim",
            "application/im-iscomposing+xml");
    /**
     * A success REPORT for the bytes received so far each time this many
     * more came without a gap (RFC 4975 section 7.1.2 allows reports on
     * parts of a message): they pace msrp-send when the relay passes no
     * back-pressure (see {@link FileSender}), which goes at most
     * {@link ConfirmationPace#FIRST_LIMIT} (four of these) ahead. Each REPORT
     * is a message for this end, every relay and the sender: at 256 KiB they
     * took 0.3 s of this end's CPU per GiB. The REPORT for the whole file
     * waits until it is stored.
     */
    public static final long PROGRESS_REPORT_BYTES = 512 * 1024;
    /**
     * Until {@link #EARLY_REPORTS_UNTIL} bytes are confirmed, a REPORT each
     * time this many more came: msrp-send tells a receiver that confirms as
     * it goes by its first two REPORTs (see {@link ConfirmationPace}), and a
     * receiver stopped before its second would otherwise be taken for one
     * that does not.
     */
    public static final long EARLY_REPORT_BYTES = 256 * 1024;
    public static final long EARLY_REPORTS_UNTIL = 1024 * 1024;
    /**
     * Separate pieces of a file held at most (one entry each): a sender's
     * chunks out of order leave a few gaps, one that spaces them out on
     * purpose would grow this end's memory with every chunk.
     */
    public static final int MAX_PIECES = 10_000;
    /** The last byte position a chunk may start at (4 EiB): far beyond disks, far from overflow. */
    static final long LAST_POSITION = 1L << 62;
    /** While the file is synced, hashed and published: local work, however long the disk takes, not idle time. */
    private static final Duration STORING = Duration.ofNanos(Long.MAX_VALUE);
    private static final Logger LOG = Logger.getLogger(FileReceiver.class.getName());

    private final Authentication.Session session;
    /** The From-Path of this end's REPORTs: one instance, whose bytes are then made once, not per REPORT. */
    private final MsrpPath ownPath;
    private final Path outputDir;
    private final StorageLimits limits;
    private final Progress progress;
    private final Consumer<String> console;
    private final Completion<Result> completion = new Completion<>();

    /** Changed only on the connection's thread ({@code file} is read elsewhere to clean up). */
    private MsrpPath peerPath;
    private volatile IncomingFile file;
    private Chunk chunk;
    /** Other senders whose messages were refused and said so: each said once, and only so many. */
    private final Set<MsrpUri> strangersSaid = new HashSet<>();
    private static final int STRANGERS_SAID = 16;
    /**
     * For a receiver that asks for the sender's path again (at a prompt):
     * completed with what to say when a stranger is refused while nothing
     * from the path given is under way, for the path given may be the wrong
     * one; then null until the next path is given.
     */
    private CompletableFuture<String> strangerWatch;
    /** Between the watch's firing and the next path given: the user is asked for the path again. */
    private boolean askingAgain;
    /** Whether a refused chat message was said: once is enough. */
    private boolean chatSaid;
    /** Completed once a file from the path given is under way: the path asked for again is not needed. */
    private CompletableFuture<Void> peerFileWatch;
    /**
     * The messages the path was asked for again over: each once, and only
     * so many, so that a sender that goes on sending a refused file does not
     * keep the user at the prompt.
     */
    private final Set<FailedMessage> askedAgainFor = new HashSet<>();
    /**
     * Messages refused as a stranger's (at most {@link #FAILED_MESSAGES}):
     * their later chunks are refused too when the path asked again names
     * their sender, for a file begun from the middle of one would never be
     * whole.
     */
    private final Set<FailedMessage> refusedAsStrangers = new HashSet<>();
    /**
     * Files that failed before the sender's path was given, by sender and
     * message, in order (at most {@link #FAILED_MESSAGES}): the transfer
     * ends with the first of a sender's only once its path is given, for
     * anyone else's is no reason to stop waiting; the later chunks of each
     * get its answer. A flood of failing messages beyond the bound can hide
     * the peer's failure: the wait then ends at --peer-timeout.
     */
    private final Map<FailedMessage, Failed> failedBeforePath = new LinkedHashMap<>();
    private static final int FAILED_MESSAGES = 1000;
    /** Senders whose failing files were said: each once, and only so many. */
    private final Set<MsrpUri> failuresSaid = new HashSet<>();

    private record FailedMessage(MsrpUri sender, String messageId) {
    }

    /** A file's failure before the path was given: its message's later chunks get the same answer. */
    private record Failed(int code, String comment, ClientException why) {
    }

    /** The request being read: where its body goes, or why it is refused. */
    private static final class Chunk {
        final MsrpRequest request;
        /** Where its next byte goes (0-based), or -1 when its body is not stored. */
        long writeAt = -1;
        long start;
        int refusal;
        String refusalText;
        ClientException endsTransfer;
        /** Of another message than the file's: refused once a byte of it comes (with none, a keep-alive). */
        boolean otherMessage;
        /** A chat message: refused (415) once a byte of it comes; with none, a keep-alive, as some clients type it. */
        boolean chat;
        /** The sender's URI (From-Path's last). */
        final MsrpUri from;

        Chunk(MsrpRequest request) {
            this.request = request;
            this.from = request.fromPath().last();
        }

        void refuse(int code, String text) {
            refusal = code;
            refusalText = text;
        }
    }

    /**
     * A receiver for the file the sender at {@code peerPath} sends; a null
     * {@code peerPath} is given later with {@link #peer}.
     */
    public FileReceiver(Authentication.Session session, MsrpPath peerPath, Path outputDir, long maxSize,
                        Progress progress, Consumer<String> console) {
        this.session = session;
        this.ownPath = MsrpPath.of(session.ownUri());
        this.peerPath = peerPath;
        this.outputDir = outputDir;
        this.limits = new StorageLimits(outputDir, maxSize);
        this.progress = progress;
        this.console = console;
    }

    /** Accepts and answers chunks from now on. */
    public void start() {
        session.connection().readOnlyWhileWritable();
        session.connection().listener(this);
    }

    /** Starts, and waits for the file from the sender given at construction. */
    public Result receive(Duration idleTimeout) throws ClientException, InterruptedException {
        start();
        return await(idleTimeout, idleTimeout);
    }

    /** Done once the transfer has ended either way: a wait for the sender's path gives up with it. */
    public Future<Result> outcome() {
        return completion.future();
    }

    /**
     * Waits for the file: up to {@code peerTimeout} for its first byte (the
     * sender's user may not have given this side's path yet), then up to
     * {@code idleTimeout} at a time without anything coming.
     */
    public Result await(Duration idleTimeout, Duration peerTimeout) throws ClientException, InterruptedException {
        return await(idleTimeout, peerTimeout, null);
    }

    /** As {@link #await(Duration, Duration)}, but null as soon as {@code unless} (if any) is done first. */
    public Result await(Duration idleTimeout, Duration peerTimeout, Future<?> unless)
            throws ClientException, InterruptedException {
        try {
            Result r = completion.await(() -> idleLimit(idleTimeout, peerTimeout),
                    () -> file == null ? "waiting for the file (--peer-timeout)" : "receiving (--timeout)", unless);
            if (r != null) {
                progress.finish();
            }
            return r;
        } catch (ClientException | InterruptedException e) {
            progress.clear();
            onLoop(() -> end(e instanceof ClientException c ? c
                    : new ClientException(ClientException.Kind.INTERRUPTED, "interrupted")));
            throw e;
        }
    }

    /** How long the transfer may stay idle now: the sender's first byte, the rest, or the file being stored. */
    private Duration idleLimit(Duration idleTimeout, Duration peerTimeout) {
        IncomingFile f = file;
        return f == null ? peerTimeout : f.storing ? STORING : idleTimeout;
    }

    /** The sender's path, from any thread: what came from anyone else is discarded and refused. */
    public void peer(MsrpPath path) {
        peer(path, null);
    }

    /**
     * As {@link #peer(MsrpPath)}, for a receiver that asks for the path
     * again: the future completes, with what to tell the user, when a
     * stranger is next refused while nothing from {@code path} is under way.
     */
    public CompletableFuture<String> peerAskingAgain(MsrpPath path) {
        CompletableFuture<String> watch = new CompletableFuture<>();
        peer(path, watch);
        return watch.copy(); // the caller's to wait on, not to complete
    }

    /**
     * Done once a file from the path given is under way (at once if one is),
     * or the transfer has ended (failed, if it failed): a prompt that asks
     * for the path again then has no more reason to, and the transfer's own
     * limits apply again.
     */
    public Future<Void> fileFromPeerOrEnd() {
        CompletableFuture<Void> watch = new CompletableFuture<>();
        completion.future().whenComplete((done, failure) -> {
            if (failure == null) {
                watch.complete(null);
            } else {
                watch.completeExceptionally(failure);
            }
        });
        onLoop(() -> {
            if (verified(file)) {
                watch.complete(null);
            } else {
                peerFileWatch = watch;
            }
        });
        return watch;
    }

    private void peer(MsrpPath path, CompletableFuture<String> watch) {
        onLoop(() -> {
            askingAgain = false;
            if (file != null && file.storing) {
                return; // complete from the path given before, as the path was given again: it stands
            }
            peerPath = path;
            strangerWatch = watch; // with the path: a stranger is one for the path now given
            completion.activity(); // the wait for the path is not idle time of the transfer
            if (file != null && !file.sender.equals(path.last())) {
                progress.hide();
                IncomingFile refused = file;
                report(refused, 403, NOT_THE_PEER);
                refused.part.discard();
                file = null;
                if (chunk != null && chunk.writeAt >= 0) {
                    chunk.refuse(403, NOT_THE_PEER);
                }
                refusedAsStranger(refused.sender, refused.messageId);
                String what = "Refused \"" + refused.name + "\" from " + shortened(refused.sender)
                        + ": not the path given";
                if (!askedAgain(refused.sender, refused.messageId, what)) {
                    console.accept(what);
                    strangersSaid.add(refused.sender);
                }
            }
            if (file != null) {
                progressed();
                return;
            }
            for (var failed : failedBeforePath.entrySet()) {
                if (failed.getKey().sender().equals(path.last())) { // the peer's file ended badly meanwhile
                    completion.fail(failed.getValue().why);
                    return;
                }
            }
            if (!session.connection().channel().isActive()) {
                // The connection went while a stranger's complete file was held (which kept the loss from ending
                // the wait): nothing more can come (found by review: this end waited out --peer-timeout).
                completion.fail(ConnectionLoss.of(session, "before the file came"));
            }
        });
    }

    /**
     * The user stopped this end (a signal, or no path given), from any
     * thread: the sender is told (413) and the temporary file goes. Returns
     * once the REPORT is on its way, so a close that follows sends it.
     */
    public void stop(ClientException why) {
        try {
            onLoop(() -> end(why));
        } catch (RejectedExecutionException ended) {
            // The run had ended already (the sender aborted first) and its connection with it: nothing to tell,
            // and no stack trace (found by a new user: Ctrl-C as the sender's abort was said).
        }
    }

    /** Last resort for a JVM going down (a shutdown hook): the temporary file goes. */
    public void discardNow() {
        IncomingFile f = file;
        if (f != null) {
            f.part.delete();
        }
    }

    private void onLoop(Runnable task) {
        EventLoop loop = session.connection().channel().eventLoop();
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.submit(task).syncUninterruptibly();
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

    /**
     * Tells the user why a stranger's file does not come while this end waits
     * on: once per sender, and for at most {@link #STRANGERS_SAID} senders
     * (each chunk is refused all the same), so that a hostile one cannot
     * fill the screen. The URI is the sender's own words, shortened.
     */
    private void sayRefusedStranger(MsrpUri from) {
        if (strangersSaid.size() > STRANGERS_SAID || strangersSaid.contains(from)) {
            return;
        }
        strangersSaid.add(from);
        if (strangersSaid.size() > STRANGERS_SAID) {
            console.accept("Refusing messages from more senders than the path given; not saying each");
            return;
        }
        console.accept("Refused a message from " + shortened(from) + ": not the path given; still waiting for the file");
    }

    /**
     * Hands {@code what} to a receiver that asks for the path again, when
     * nothing from the path given is under way and this message of this
     * stranger has not been asked over before; false when it is not asked
     * (nor said). Past {@link #STRANGERS_SAID} asks, says so once instead.
     */
    private boolean askedAgain(MsrpUri from, String messageId, String what) {
        CompletableFuture<String> watch = strangerWatch;
        if (watch == null || file != null || askedAgainFor.contains(new FailedMessage(from, messageId))) {
            return false;
        }
        if (askedAgainFor.size() >= STRANGERS_SAID) {
            strangerWatch = null; // said once: from now on refusals are said as without a prompt
            console.accept(what + "; asked for the path " + STRANGERS_SAID + " times, not again: still waiting for the "
                    + "file from the path given (Ctrl-C stops)");
            return true;
        }
        askedAgainFor.add(new FailedMessage(from, messageId));
        strangerWatch = null;
        askingAgain = true;
        if (strangersSaid.size() < STRANGERS_SAID) {
            strangersSaid.add(from); // said now; while the user is at the prompt its other chunks are not
        }
        progress.hide();
        watch.complete(what);
        return true;
    }

    private void refusedAsStranger(MsrpUri from, String messageId) {
        if (refusedAsStrangers.size() < FAILED_MESSAGES) {
            refusedAsStrangers.add(new FailedMessage(from, messageId));
        }
    }

    /**
     * Whether a SEND may carry part of a file: not a keep-alive or binding
     * SEND, with no body or an empty one (Byte-Range 1-0/0).
     */
    private static boolean carriesBytes(MsrpRequest r) {
        if (!r.hasBody()) {
            return false;
        }
        try {
            ByteRange range = r.headers().byteRange();
            return range == null || range.end() != 0;
        } catch (MsrpSyntaxException e) {
            return true;
        }
    }

    private static boolean isChat(MsrpHeaders headers) {
        String type = headers.contentType();
        if (type == null || headers.get(MsrpHeaders.CONTENT_DISPOSITION) != null) {
            return false;
        }
        int parameters = type.indexOf(';');
        return CHAT_TYPES.contains((parameters < 0 ? type : type.substring(0, parameters)).strip()
                .toLowerCase(Locale.ROOT));
    }

    /** A sender's URI as the user sees it: its own words, so cut short when long. */
    private static String shortened(MsrpUri uri) {
        String text = uri.toString();
        return text.length() > 120 ? text.substring(0, 117) + "..." : text;
    }

    private void onRequest(MsrpRequest r) {
        chunk = null;
        if (MsrpMethod.REPORT.equals(r.method())) {
            return; // nothing to store, and a REPORT gets no response
        }
        if (!MsrpMethod.SEND.equals(r.method())) {
            respond(r, 501, "Unknown method"); // RFC 4975 section 12: NICKNAME too, which this end does not take
            return;
        }
        Chunk c = new Chunk(r);
        chunk = c;
        if (!Objects.equals(r.toPath().last().sessionId(), session.ownUri().sessionId())) {
            c.refuse(481, "No such session here"); // RFC 4975 section 7.3: addressed to another session
            return;
        }
        MsrpUri from = c.from;
        String id = r.headers().messageId() == null ? "" : r.headers().messageId();
        if (peerPath != null && !from.equals(peerPath.last())) {
            c.refuse(403, NOT_THE_PEER);
            // A keep-alive or binding SEND carries no file to ask about.
            if (!carriesBytes(r) || !askedAgain(from, id, "Refused a message from " + shortened(from)
                    + ": not the path given")) {
                sayRefusedStranger(from);
            }
            refusedAsStranger(from, id);
            return;
        }
        if (!refusedAsStrangers.isEmpty() && refusedAsStrangers.contains(new FailedMessage(from, id))) {
            c.refuse(403, NOT_THE_PEER); // the rest of a message refused before the path asked again was given
            return;
        }
        ByteRange range;
        try {
            range = r.headers().byteRange();
        } catch (MsrpSyntaxException e) {
            c.refuse(400, e.getMessage());
            return;
        }
        if (!r.hasBody()) {
            return; // a keep-alive or a binding SEND, or an abort ('#'): never a byte of the file
        }
        if (range == null) {
            range = new ByteRange(1, ByteRange.UNKNOWN, ByteRange.UNKNOWN);
        }
        Failed failed = failedBeforePath.isEmpty() ? null : failedBeforePath.get(new FailedMessage(from, id));
        if (failed != null) {
            c.refuse(failed.code, failed.comment); // the rest of a file refused: no new file from its middle
            return;
        }
        boolean ofTheFile = file != null && file.messageId.equals(id) && file.sender.equals(from);
        if (!ofTheFile && isChat(r.headers())) {
            c.chat = true;
            return;
        }
        if (file == null && !begin(c, from, id, range)) {
            return;
        }
        if (!file.messageId.equals(id) || !file.sender.equals(from)) {
            c.otherMessage = true;
            return;
        }
        if (file.complete) {
            return; // a late duplicate of a complete file: answered, not examined, not written
        }
        if (range.total() != ByteRange.UNKNOWN && file.totalKnown() && range.total() != file.total) {
            c.refuse(400, "Byte-Range total changed");
            return;
        }
        if (!file.totalKnown() && range.total() != ByteRange.UNKNOWN) {
            if (file.part.highest() > range.total()) { // "1-*/*" chunks went past the total given now
                refuseAndStop(c, 400, "Byte-Range total below the bytes already sent", ClientException.Kind.TRANSFER,
                        "the sender announced " + range.total() + " bytes after sending " + file.part.highest());
                return;
            }
            file.total = range.total();
        }
        if (file.ranges.pieces() >= MAX_PIECES) {
            refuseAndStop(c, 413, "Too many gaps in the file", ClientException.Kind.TRANSFER, "the sender left more than "
                    + MAX_PIECES + " gaps in \"" + file.name + "\"");
            return;
        }
        file.successReport |= r.headers().successReport();
        file.failureReports &= !"no".equals(r.headers().failureReport());
        if (range.start() > LAST_POSITION) { // its bytes' positions would overflow as they come
            refuseAndStop(c, 413, "Byte-Range beyond any file", ClientException.Kind.TRANSFER, "the sender sent a "
                    + "chunk at byte " + range.start() + " of \"" + file.name + "\", beyond any file this end stores");
            return;
        }
        long highest = range.end() != ByteRange.UNKNOWN ? range.end() : range.start() - 1;
        if (limits.overMaxSize(highest)) {
            overMaxSize(c);
            return;
        }
        c.start = range.start();
        c.writeAt = range.start() - 1;
    }

    private boolean begin(Chunk c, MsrpUri from, String id, ByteRange range) {
        ContentDisposition cd;
        try {
            cd = c.request.headers().contentDisposition();
        } catch (MsrpSyntaxException e) {
            cd = null;
        }
        String name = SafeFileName.clean(cd == null ? null : cd.filename());
        long total = range.total();
        if (total != ByteRange.UNKNOWN && limits.overMaxSize(total)) {
            refuseAndStop(c, 413, "File of " + total + " bytes is over the limit of " + limits.maxSize(),
                    ClientException.Kind.TRANSFER, "refused \"" + name + "\": " + total + " bytes is over --max-size "
                            + limits.maxSize());
            return false;
        }
        try {
            Files.createDirectories(outputDir);
            if (total != ByteRange.UNKNOWN && !limits.fits(total)) {
                refuseAndStop(c, 413, "Not enough disk space", ClientException.Kind.LOCAL_FILE, "refused \"" + name
                        + "\": " + total + " bytes is more than the free space in " + outputDir);
                return false;
            }
            file = new IncomingFile(id, from, c.request.fromPath(), name, total, PartFile.create(outputDir));
            return true;
        } catch (IOException e) {
            refuseAndStop(c, 500, "Cannot store the file", ClientException.Kind.LOCAL_FILE,
                    "cannot write in " + outputDir + ": " + FileProblem.of(e));
            return false;
        }
    }

    private void onContent(ByteBuf data) {
        Chunk c = chunk;
        if (c != null && c.otherMessage && data.isReadable()) {
            c.refuse(403, "One file at a time");
        }
        if (c != null && c.chat && data.isReadable() && c.refusal == 0) {
            c.refuse(415, NOT_A_FILE);
            if (!chatSaid) {
                chatSaid = true;
                console.accept("Refused a chat message (" + PrintableText.of(c.request.headers().contentType())
                        + ") from the sender: this end receives a file only; still waiting for the file");
            }
        }
        if (c == null || c.writeAt < 0 || c.refusal != 0) {
            return;
        }
        long end = c.writeAt + data.readableBytes();
        if (file.totalKnown() && end > file.total) {
            refuseAndStop(c, 413, "More bytes than the Byte-Range total", ClientException.Kind.TRANSFER,
                    "the sender sent more bytes than it announced");
            return;
        }
        if (limits.overMaxSize(end)) {
            overMaxSize(c);
            return;
        }
        // Holes: what the file spans without data, neither arrived whole (ranges) nor of this chunk so far.
        long holes = file.part.highest() - file.ranges.received() - (c.writeAt - (c.start - 1));
        if (!limits.roomFor(end - file.part.onDisk(), holes)) {
            if (!Files.isDirectory(outputDir)) { // the file system then says there is no room at all
                refuseAndStop(c, 500, "Cannot store the file", ClientException.Kind.LOCAL_FILE,
                        "cannot store \"" + file.name + "\": " + outputDir + " was removed or moved");
                return;
            }
            refuseAndStop(c, 413, "Not enough disk space", ClientException.Kind.LOCAL_FILE,
                    "refused \"" + file.name + "\": the disk in " + outputDir + " is full");
            return;
        }
        try {
            file.part.write(data, c.writeAt);
            c.writeAt = end;
        } catch (IOException e) {
            cannotWrite(file, e);
        }
    }

    private void overMaxSize(Chunk c) {
        refuseAndStop(c, 413, "Over the limit of " + limits.maxSize() + " bytes", ClientException.Kind.TRANSFER,
                "refused \"" + file.name + "\": the sender went past --max-size " + limits.maxSize());
    }

    private void onEnd(Continuation flag) {
        Chunk c = chunk;
        chunk = null;
        if (c == null) {
            return;
        }
        if (c.refusal != 0) {
            respond(c.request, c.refusal, c.refusalText);
            if (c.endsTransfer != null) {
                // A failure to write here is this end's, whoever sent: it ends the wait at once.
                endTransfer(c, c.refusal, c.refusalText, c.endsTransfer, c.refusal != 500);
                return;
            }
            if (!abortsTheFile(c, flag)) {
                return;
            }
            // A chunk refused that ends the file with '#' still ends it: the sender gave up (found by review).
        } else {
            respond(c.request, 200, "OK");
            if (c.writeAt >= c.start) {
                file.ranges.add(c.start, c.writeAt);
            }
        }
        if (abortsTheFile(c, flag)) {
            // A relay ends a message so too when the sender's connection drops or the relay stops.
            String what = "the sender, or a relay on the way, aborted after " + file.describe();
            discard();
            endTransfer(c, STOP, STOPPED, new ClientException(ClientException.Kind.TRANSFER, what), true);
            return;
        }
        if (c.writeAt < 0) {
            return; // an empty SEND, or a duplicate of a file already complete
        }
        if (!file.totalKnown() && flag == Continuation.COMPLETE) {
            file.total = file.part.highest(); // "1-*/*" chunks: the last one says where the file ends
        }
        file.complete = file.totalKnown() && file.ranges.covers(file.total);
        long step = file.reportedPrefix < EARLY_REPORTS_UNTIL ? EARLY_REPORT_BYTES : PROGRESS_REPORT_BYTES;
        if (!file.complete && file.ranges.prefix() - file.reportedPrefix >= step) {
            file.reportedPrefix = file.ranges.prefix();
            report(file, 200, "OK");
        }
        progressed();
    }

    /** Whether {@code c}, ending with {@code flag}, aborts the file under way; once every byte is in, none does. */
    private boolean abortsTheFile(Chunk c, Continuation flag) {
        return flag == Continuation.ABORT && file != null && !file.complete
                && file.messageId.equals(c.request.headers().messageId()) && file.sender.equals(c.from);
    }

    /**
     * After bytes came or the path was given: show them (before the path is
     * given too, said as such), and finish when all are in from the sender
     * whose path was given.
     */
    private void progressed() {
        if (file == null) {
            return;
        }
        boolean verified = verified(file);
        if (verified && !file.announced) {
            file.announced = true;
            console.accept("Receiving file \"" + file.name + "\"");
            if (peerFileWatch != null) {
                askingAgain = false; // the prompt ends: the file from the path given is coming
                peerFileWatch.complete(null);
                peerFileWatch = null;
            }
        }
        if (!file.shown) {
            file.shown = true;
            if (!verified) {
                console.accept("\"" + file.name + "\" is arriving; it is kept aside until the sender's path is given");
            }
            progress.start(file.totalKnown() ? file.total : 0);
        }
        progress.update(file.ranges.received());
        if (verified && file.complete && !file.storing) {
            file.storing = true;
            store(file);
        }
    }

    private boolean verified(IncomingFile f) {
        return f != null && peerPath != null && f.sender.equals(peerPath.last());
    }

    /**
     * Write what is held, then sync, hash what was not hashed on the way in,
     * and publish: on a thread of its own, not this one. Later chunks of the file are answered, not
     * written; a stop meanwhile still removes it.
     */
    private void store(IncomingFile f) {
        if (!written(f)) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                LOG.fine(() -> f.part.hashedInFull() ? "\"" + f.name + "\" was hashed on the way in"
                        : "\"" + f.name + "\" came out of order: reading it back to hash it");
                String sha = f.part.syncAndHash();
                Path target = f.part.publish(outputDir, f.name);
                try {
                    onLoop(() -> report(f, 200, "OK"));
                } catch (RejectedExecutionException closed) {
                    // the connection is gone meanwhile: the file is stored all the same (found by review)
                }
                // A stranger's file refused on the way is no reason for this close to wait (found by review).
                session.connection().lingerOnClose(false);
                completion.complete(new Result(target, f.total, sha));
            } catch (IOException e) {
                f.part.delete();
                onLoop(() -> report(f, 500, "Cannot store the file")); // the sender waits for a confirmation
                completion.fail(new ClientException(ClientException.Kind.LOCAL_FILE, "cannot store \"" + f.name + "\": "
                        + (Files.isDirectory(outputDir) ? FileProblem.of(e) : outputDir + " was removed or moved"), e));
            } catch (RuntimeException e) { // storing has no idle limit: whatever fails must end the wait
                f.part.delete();
                completion.fail(new ClientException(ClientException.Kind.LOCAL_FILE,
                        "cannot store \"" + f.name + "\": " + e, e));
            }
        }, "msrp-receive-store");
        t.setDaemon(true);
        t.start();
    }

    /**
     * A REPORT on {@code f}, if its sender asked for that kind, back along
     * the From-Path it came with.
     */
    private void report(IncomingFile f, int code, String comment) {
        if (code == 200 ? !f.successReport : !f.failureReports) {
            return;
        }
        if (code != 200) {
            session.connection().lingerOnClose(true); // the sender is to hear it even if this end closes now
        }
        String tid = TransactionId.random();
        ByteRange range = code == 200 && f.complete ? new ByteRange(1, f.total, f.total) : f.receivedRange();
        MsrpHeaders h = new MsrpHeaders()
                .add(MsrpHeaders.MESSAGE_ID, f.messageId)
                .add(MsrpHeaders.BYTE_RANGE, range)
                .add(MsrpHeaders.STATUS, Status.of(code, comment));
        // Back along the From-Path the file came with (RFC 4975 section 7.1.2): through a relay that is this
        // side's Use-Path, then the sender's path, as the original relay requires of every request; and it is
        // the way that works when the path given had a typo in its relay part (only its last URI, the
        // sender's own, must match).
        MsrpPath to = f.replyPath;
        session.connection().send(new MsrpRequest(tid, MsrpMethod.REPORT, to, ownPath, h),
                new MsrpEnd(tid, Continuation.COMPLETE));
    }

    /**
     * Refuses the chunk and ends the transfer once the chunk is answered: the
     * partial file goes at once, the failure when the end-line has been
     * answered, so the sender learns the real reason before this end closes.
     */
    private void refuseAndStop(Chunk c, int code, String text, ClientException.Kind kind, String message) {
        c.refuse(code, text);
        if (discard()) {
            c.endsTransfer = new ClientException(kind, message);
        }
    }

    /**
     * Answers a chunk, as its Failure-Report asks: "partial" wants only a
     * failure answered (msrp-send sends so: a 200 per chunk is work for every
     * hop, and its pace comes from this end's REPORTs). The answers to the
     * chunks of one read leave together.
     */
    private void respond(MsrpRequest r, int code, String comment) {
        if (code == 200 ? r.headers().successResponseWanted() : !"no".equals(r.headers().failureReport())) {
            MsrpResponse resp = r.respond(code, comment);
            if (code != 200) {
                session.connection().lingerOnClose(true);
            }
            session.connection().sendSoon(resp, new MsrpEnd(resp.transactionId(), Continuation.COMPLETE));
        }
    }

    /**
     * Ends the transfer from this end (stopped, timed out, no path): a file
     * still here is the sender's to hear about (413), and goes.
     */
    private void end(ClientException why) {
        IncomingFile f = file;
        if (f != null) {
            if (!discard()) {
                return;
            }
            report(f, STOP, STOPPED);
        }
        boolean atPrompt = peerPath == null || askingAgain;
        if (why.kind() != ClientException.Kind.INTERRUPTED || !atPrompt && f == null) {
            completion.fail(why);
            return;
        }
        // A Ctrl-C at the prompt too ends here first: where it came, how far the file had, and whether the sender
        // was told, which the prompt does not know. Said from "interrupted" whoever saw the Ctrl-C first: the
        // prompt's own words say where too, and were said twice when it came here first (CI, once).
        completion.fail(new ClientException(why.kind(), "interrupted"
                + (atPrompt ? " while waiting for the destination path" : "")
                + (f == null ? "" : " after " + f.describe() + (f.failureReports ? "; the sender was sent a refusal" : ""))));
    }

    /**
     * Ends the transfer with {@code why}, a failure of the file chunk
     * {@code c} belongs to; unless the failure is the sender's doing
     * ({@code sendersDoing}) and the sender is not the peer: before the
     * sender's path is given, it ends the transfer only once that sender's
     * path is given (and the rest of its message gets {@code code}), and this
     * end waits on meanwhile; after, it was a stranger's chunk already under
     * way when the path came. For a stranger's file that ends badly is no
     * reason to stop waiting for the peer's.
     */
    private void endTransfer(Chunk c, int code, String comment, ClientException why, boolean sendersDoing) {
        if (!sendersDoing || peerPath != null && c.from.equals(peerPath.last())) {
            completion.fail(why);
            return;
        }
        if (peerPath != null) {
            sayRefusedStranger(c.from);
            return;
        }
        String id = c.request.headers().messageId() == null ? "" : c.request.headers().messageId();
        if (failedBeforePath.size() < FAILED_MESSAGES) {
            failedBeforePath.putIfAbsent(new FailedMessage(c.from, id), new Failed(code, comment, why));
        }
        progress.hide();
        if (failuresSaid.size() < STRANGERS_SAID && failuresSaid.add(c.from)) {
            console.accept("A file from " + shortened(c.from) + " ended before its sender's path was given ("
                    + why.getMessage() + "); still waiting for the path");
        }
    }

    /**
     * Writes what the file holds before this thread waits for the next
     * read. Those bytes were just decrypted and hashed, so they are still in
     * the CPU's cache; held over the wait, while the relay and the sender
     * run, they are not, and the kernel's copy of them cost several times as
     * much (the bench: msrp-receive's system time per GiB 2.1 s, and 0.8 s
     * once written before each wait).
     */
    @Override
    public void readComplete() {
        if (file != null) {
            written(file);
        }
    }

    /** Writes what {@code f} holds; on failure ends the transfer and says so. */
    private boolean written(IncomingFile f) {
        try {
            f.part.flush();
            return true;
        } catch (IOException e) {
            cannotWrite(f, e);
            return false;
        }
    }

    /**
     * A write failed: a chunk of the file being read is answered 500 at its
     * end, which ends the transfer; else (between chunks, or in another
     * message's chunk, which is not to blame) the sender gets a 500 REPORT
     * and the transfer ends now.
     */
    private void cannotWrite(IncomingFile f, IOException e) {
        // The file by its name, as the other refusals say it: the temporary one is gone once this is read.
        String message = "cannot store \"" + f.name + "\" in " + outputDir + ": " + FileProblem.of(e);
        Chunk c = chunk;
        if (c != null && c.refusal == 0 && c.writeAt >= 0) {
            refuseAndStop(c, 500, "Cannot store the file", ClientException.Kind.LOCAL_FILE, message);
        } else {
            report(f, 500, "Cannot store the file");
            fail(ClientException.Kind.LOCAL_FILE, message);
        }
    }

    private void fail(ClientException.Kind kind, String message) {
        if (discard()) {
            completion.fail(new ClientException(kind, message));
        }
    }

    /**
     * Removes the partial file: nothing half-written may stay behind. False
     * when the file was published an instant before: it stays, and the store
     * thread ends the transfer, a success (found by review: a bad frame in
     * that instant failed the run with the file published, while the sender
     * was told it arrived).
     */
    private boolean discard() {
        if (file != null) {
            if (!file.part.discard()) {
                return false;
            }
            file = null;
        }
        return true;
    }

    @Override
    public void closed() {
        // A complete file is stored even if the REPORT can no longer be sent.
        if (!completion.isDone() && (file == null || !file.complete)) {
            ClientException lost = ConnectionLoss.of(session, file == null ? "before the file came"
                    : "after " + file.describe());
            discard();
            completion.fail(lost);
        }
    }
}
