package org.msrptools.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: runs bytes through a real {@link MsrpDecoder} in an
 * EmbeddedChannel, split where the caller says, and returns what came out
 * as plain values (heads re-encoded as text, bodies joined), releasing every
 * buffer on the way.
 */
final class Decoded {

    /** One decoded message, or the error that ended decoding. */
    record Message(String head, byte[] body, MsrpEnd end, MsrpFrameError error) {
        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private Decoded() {
    }

    static List<Message> decode(byte[] input, int... splits) {
        return decode(new MsrpDecoder(), input, splits);
    }

    static List<Message> decode(MsrpDecoder decoder, byte[] input, int... splits) {
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        List<Message> messages = new ArrayList<>();
        Collector collector = new Collector(messages);
        int from = 0;
        for (int split : splits) {
            if (split > from && split < input.length) {
                channel.writeInbound(Unpooled.wrappedBuffer(input, from, split - from));
                collector.drain(channel);
                from = split;
            }
        }
        channel.writeInbound(Unpooled.wrappedBuffer(input, from, input.length - from));
        collector.drain(channel);
        channel.finish();
        collector.drain(channel);
        collector.flushPartial();
        return messages;
    }

    static List<Message> decode(String input, int... splits) {
        return decode(input.getBytes(StandardCharsets.UTF_8), splits);
    }

    /** Re-encodes a head the way the encoder would, as text. */
    static String text(MsrpHead head) {
        ByteBuf buf = Unpooled.buffer();
        head.encode(buf);
        String s = buf.toString(StandardCharsets.UTF_8);
        buf.release();
        return s;
    }

    private static final class Collector {
        private final List<Message> messages;
        private String head;
        private ByteArrayOutputStream body = new ByteArrayOutputStream();

        Collector(List<Message> messages) {
            this.messages = messages;
        }

        void drain(EmbeddedChannel channel) {
            Object o;
            while ((o = channel.readInbound()) != null) {
                if (o instanceof MsrpHead h) {
                    if (head != null) {
                        throw new AssertionError("head before the previous message ended");
                    }
                    head = text(h);
                } else if (o instanceof MsrpContent c) {
                    if (head == null) {
                        throw new AssertionError("content without a head");
                    }
                    byte[] bytes = new byte[c.content().readableBytes()];
                    c.content().readBytes(bytes);
                    body.writeBytes(bytes);
                    c.release();
                } else if (o instanceof MsrpEnd e) {
                    messages.add(new Message(head, body.toByteArray(), e, null));
                    head = null;
                    body = new ByteArrayOutputStream();
                } else if (o instanceof MsrpFrameError err) {
                    messages.add(new Message(head, body.toByteArray(), null, err));
                    head = null;
                    body = new ByteArrayOutputStream();
                }
            }
        }

        void flushPartial() {
            if (head != null) {
                throw new AssertionError("message without end or error: " + head);
            }
        }
    }
}
