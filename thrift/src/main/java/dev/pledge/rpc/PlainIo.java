package dev.pledge.rpc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.cert.Certificate;
import java.util.List;

/** Plain TCP: the channel's own bytes. */
final class PlainIo implements SocketIo {
    private final SocketChannel channel;
    private ByteBuffer pending;

    PlainIo(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public boolean write(ByteBuffer src) throws IOException {
        pending = src;
        return flush();
    }

    @Override
    public boolean flush() throws IOException {
        if (pending == null) return true;
        while (pending.hasRemaining()) {
            if (channel.write(pending) == 0) return false;
        }
        pending = null;
        return true;
    }

    @Override
    public boolean hasPendingOutput() {
        return pending != null;
    }

    @Override
    public boolean hasBufferedInput() {
        return false;
    }

    @Override
    public boolean ready() {
        return true;
    }

    @Override
    public List<Certificate> peerCertificates() {
        return List.of();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
