package dev.ocilayout.store;

import dev.ocilayout.io.WritableFile;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.LongConsumer;

/**
 * Copies a stream into an ingest file with the work spread over two cores: the calling thread reads each
 * chunk once and hashes it while a writer thread writes the previous chunk, and every
 * {@value #WRITEBACK_BYTES} bytes the writer asks the kernel to start writing back what it has, so the
 * final fsync has little left to do. Chunks go round a small pool of buffers; memory use is bounded.
 */
final class PipelinedCopy {
    static final int CHUNK = 4 * 1024 * 1024;
    static final int CHUNKS = 4;
    static final long WRITEBACK_BYTES = 64L * 1024 * 1024;
    private static final ByteBuffer END = ByteBuffer.allocate(0);

    /** What the calling thread does with each chunk before it is written: count, bound and hash it. */
    interface Inspector {
        void inspect(ByteBuffer chunk) throws IOException;
    }

    private PipelinedCopy() {
    }

    /**
     * Reads {@code src} to its end; every byte is inspected, then written to {@code out}.
     *
     * @param limit the expected size, or -1: when known, reading never goes past {@code limit + 1} bytes,
     *              so an oversized source is caught at its first extra byte
     */
    static void run(ReadableByteChannel src, WritableFile out, long limit, Inspector inspector, LongConsumer progress)
            throws IOException {
        BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(CHUNKS);
        BlockingQueue<ByteBuffer> full = new ArrayBlockingQueue<>(CHUNKS + 1);
        for (int i = 0; i < CHUNKS; i++) {
            free.add(ByteBuffer.allocateDirect(CHUNK));
        }
        Writer writer = new Writer(out, free, full);
        Thread thread = new Thread(writer, "oci-layout-ingest-writer");
        thread.setDaemon(true);
        thread.start();
        boolean ended = false;
        long total = 0;
        try {
            while (true) {
                ByteBuffer buf = take(free, writer);
                buf.clear();
                if (limit >= 0) {
                    buf.limit((int) Math.min(CHUNK, limit - total + 1));
                }
                int n = 0;
                while (buf.hasRemaining() && (n = src.read(buf)) >= 0) {
                    // fill the chunk; a channel over a stream may return short reads
                }
                buf.flip();
                if (buf.hasRemaining()) {
                    inspector.inspect(buf.duplicate());
                    int len = buf.remaining();
                    total += len;
                    put(full, buf, writer);
                    if (progress != null) {
                        progress.accept(len);
                    }
                }
                if (n < 0) {
                    break;
                }
            }
            put(full, END, writer);
            ended = true;
            Interruptible.join(thread, "writing a blob");
            writer.rethrow();
        } finally {
            if (!ended) {
                writer.stop();
                thread.interrupt();
                joinQuietly(thread);
            }
        }
    }

    private static ByteBuffer take(BlockingQueue<ByteBuffer> q, Writer writer) throws IOException {
        try {
            while (true) {
                writer.rethrow();
                ByteBuffer b = q.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (b != null) {
                    return b;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing a blob");
        }
    }

    private static void put(BlockingQueue<ByteBuffer> q, ByteBuffer b, Writer writer) throws IOException {
        try {
            while (!q.offer(b, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                writer.rethrow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing a blob");
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes chunks in order and starts writeback as it goes. */
    private static final class Writer implements Runnable {
        private final WritableFile out;
        private final BlockingQueue<ByteBuffer> free;
        private final BlockingQueue<ByteBuffer> full;
        private volatile Throwable failure;
        private volatile boolean stopped;

        Writer(WritableFile out, BlockingQueue<ByteBuffer> free, BlockingQueue<ByteBuffer> full) {
            this.out = out;
            this.free = free;
            this.full = full;
        }

        @Override
        public void run() {
            long sinceWriteback = 0;
            try {
                while (!stopped) {
                    ByteBuffer b = full.take();
                    if (b == END) {
                        return;
                    }
                    sinceWriteback += b.remaining();
                    out.write(b);
                    free.put(b);
                    if (sinceWriteback >= WRITEBACK_BYTES) {
                        out.startWriteback();
                        sinceWriteback = 0;
                    }
                }
            } catch (InterruptedException e) {
                if (!stopped) {
                    failure = new InterruptedIOException("blob writer interrupted");
                }
            } catch (Throwable t) {
                failure = t;
            }
        }

        void stop() {
            stopped = true;
        }

        void rethrow() throws IOException {
            Throwable t = failure;
            if (t instanceof IOException io) {
                throw io;
            }
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error err) {
                throw err;
            }
        }
    }
}
