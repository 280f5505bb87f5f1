package io.caracal.core.budget;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The group commits a replica made while PostgreSQL was unreachable, in a local append-only file, to be replayed into
 * PostgreSQL when it is back (see {@link GroupCommitWriter}). One record per group commit: its length, the CRC32C of
 * its bytes, then the writes ({@link JournalCodec}); each append is forced to the disk before any call waiting on it
 * goes on, so one fsync serves every call of the batch. A record cut short by a crash was never acknowledged to
 * anyone: it is dropped when the journal is opened, as is everything from a record whose checksum fails. The file is
 * locked while open, so two gateways never share one; it holds what the database would, never a credential.
 */
final class SpendJournal implements AutoCloseable {
    static final String FILE = "spend.journal";
    private static final Logger LOG = LoggerFactory.getLogger(SpendJournal.class);
    private static final int HEADER = Integer.BYTES * 2;

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private SpendJournal(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** Opens (or creates) the journal in {@code directory}, keeping what a previous run left in it. */
    static SpendJournal open(Path directory) {
        Path file = directory.resolve(FILE);
        try {
            Files.createDirectories(directory);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("the spend journal " + file + " is in use by another gateway: give each its own DEGRADED_JOURNAL_DIR");
            }
            SpendJournal journal = new SpendJournal(file, channel, lock);
            journal.dropDamagedTail();
            return journal;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the spend journal " + file, e);
        }
    }

    boolean isEmpty() throws IOException {
        return channel.size() == 0;
    }

    /** Appends one group commit's writes and forces them to the disk. */
    void append(List<? extends HoldBatch.Write> writes) throws IOException {
        byte[] payload = JournalCodec.encode(writes);
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer record = ByteBuffer.allocate(HEADER + payload.length).putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
        long at = channel.size();
        try {
            while (record.hasRemaining()) {
                at += channel.write(record, at);
            }
            channel.force(false);
        } catch (IOException e) {
            // A record half written (a full disk) must not stand in front of the next one.
            channel.truncate(at - record.position());
            throw e;
        }
    }

    /** Every record's writes, oldest first. */
    List<List<HoldBatch.Write>> records() throws IOException {
        List<List<HoldBatch.Write>> records = new ArrayList<>();
        scan(records);
        return records;
    }

    /** Empties the journal once its records are in the database. */
    void clear() throws IOException {
        channel.truncate(0);
        channel.force(true);
    }

    /** Reads records from the start; returns where the last whole, intact one ends. */
    private long scan(List<List<HoldBatch.Write>> into) throws IOException {
        long size = channel.size();
        long at = 0;
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        while (at + HEADER <= size) {
            header.clear();
            channel.read(header, at);
            int length = header.getInt(0);
            int checksum = header.getInt(Integer.BYTES);
            if (length < 0 || at + HEADER + length > size) {
                break;
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            while (payload.hasRemaining()) {
                channel.read(payload, at + HEADER + payload.position());
            }
            CRC32C crc = new CRC32C();
            crc.update(payload.array());
            if ((int) crc.getValue() != checksum) {
                break;
            }
            List<HoldBatch.Write> writes;
            try {
                writes = JournalCodec.decode(payload.array());
            } catch (IOException e) {
                break;
            }
            if (into != null) {
                into.add(writes);
            }
            at += HEADER + length;
        }
        return at;
    }

    private void dropDamagedTail() throws IOException {
        long intact = scan(null);
        long size = channel.size();
        if (intact < size) {
            LOG.warn("spend journal {}: dropping its last {} bytes, a record cut short by a crash or damaged (never acknowledged if cut short)",
                    file, size - intact);
            channel.truncate(intact);
            channel.force(true);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            LOG.warn("spend journal {} not closed cleanly: {}", file, e.toString());
        }
    }
}
