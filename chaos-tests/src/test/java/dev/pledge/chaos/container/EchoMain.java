package dev.pledge.chaos.container;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The smallest node that exercises the container harness: a line protocol on port 7000.
 * {@code ECHO x} answers x; {@code PEER host} asks that peer for ECHO and answers what came back
 * (or ERR); {@code BUMP} appends to /data/bumps and answers how many lines it now has.
 */
public final class EchoMain {
    public static void main(String[] args) throws IOException {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("0.0.0.0", JavaNodeContainer.PORT));
            System.out.println("echo listening on 0.0.0.0:" + JavaNodeContainer.PORT);
            while (true) {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s));
                t.setDaemon(true);
                t.start();
            }
        }
    }

    private static void serve(Socket s) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) out.println(answer(line));
        } catch (IOException e) {
            // Client went away.
        }
    }

    private static String answer(String line) throws IOException {
        if (line.startsWith("ECHO ")) return line.substring(5);
        if (line.startsWith("PEER ")) return askPeer(line.substring(5).trim());
        if (line.equals("BUMP")) {
            Path f = Path.of(JavaNodeContainer.DATA_DIR, "bumps");
            Files.writeString(f, "x\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
            return Integer.toString(Files.readAllLines(f).size());
        }
        return "ERR unknown command";
    }

    private static String askPeer(String host) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, JavaNodeContainer.PORT), 1000);
            s.setSoTimeout(1000);
            PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
            out.println("ECHO pong");
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            return "ERR " + e.getClass().getSimpleName();
        }
    }
}
