package dev.pledge.fuzz;

import java.util.HexFormat;

/**
 * The bytes one fuzz input sends on a fresh connection, and what they mean.
 *
 * @param target    the service the bytes are aimed at
 * @param method    the method they call; null when the bytes name no method of the target
 * @param structural true when the bytes are not a well-formed call (a required field missing or of the
 *                  wrong type, a container that lies about its size, a broken frame): Thrift's own
 *                  PROTOCOL_ERROR or a closed connection is then a fair answer
 * @param what      a readable account of the request, printed when a check fails
 * @param bytes     what goes on the wire, frame header included
 */
record FuzzInput(FuzzTarget target, FuzzTarget.Method method, boolean structural, String what, byte[] bytes) {
    private static final int HEX_SHOWN_BYTES_MAX = 160;

    @Override
    public String toString() {
        int shown = Math.min(bytes.length, HEX_SHOWN_BYTES_MAX);
        String hex = HexFormat.of().formatHex(bytes, 0, shown) + (shown < bytes.length ? "..." : "");
        return target.label() + " <- " + clip(what) + (structural ? " [malformed]" : "") + " (" + bytes.length + " bytes: " + hex + ")";
    }

    private static String clip(String s) {
        return s.length() <= 2_000 ? s : s.substring(0, 2_000) + "...";
    }
}
