package dev.pledge.xa;

import dev.pledge.core.TxId;
import java.util.Arrays;
import java.util.HexFormat;
import javax.transaction.xa.Xid;

/**
 * Maps an XA branch id (Xid) to the Pledge TxId of that branch and back. The whole Xid is spelled
 * into the coordinator id, {@code "xa:" + formatId + ":" + hex(gtrid) + ":" + hex(bqual)}, so a
 * participant's recovery listing alone gives a transaction manager its Xids back. Epoch and
 * sequence are always 1 (a TxId requires both to be at least 1; the Xid carries all the identity).
 * Malformed input is refused with IllegalArgumentException saying what is wrong.
 */
public final class XaIds {
    /** The XA null Xid has format id -1; every real one is non-negative. */
    private static final int NULL_FORMAT_ID = -1;
    private static final HexFormat HEX = HexFormat.of();

    private XaIds() {}

    /** The TxId of the branch {@code xid}. */
    public static TxId toTxId(Xid xid) {
        if (xid == null) throw new IllegalArgumentException("Xid is null");
        int formatId = xid.getFormatId();
        byte[] gtrid = xid.getGlobalTransactionId();
        byte[] bqual = xid.getBranchQualifier();
        checkParts(formatId, gtrid, bqual);
        return new TxId(TxId.EXTERNAL_PREFIX + formatId + ":" + HEX.formatHex(gtrid) + ":" + HEX.formatHex(bqual), 1, 1);
    }

    /** The Xid a TxId made by {@link #toTxId} stands for. */
    public static Xid toXid(TxId txId) {
        if (txId == null) throw new IllegalArgumentException("TxId is null");
        if (!txId.isExternal()) {
            throw new IllegalArgumentException("not an XA branch (coordinator id lacks '" + TxId.EXTERNAL_PREFIX + "'): " + txId);
        }
        if (txId.epoch() != 1 || txId.sequence() != 1) {
            throw new IllegalArgumentException("not an XA branch (epoch and sequence must be 1): " + txId);
        }
        String[] parts = txId.coordinatorId().substring(TxId.EXTERNAL_PREFIX.length()).split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not an XA branch (want xa:formatId:gtridHex:bqualHex): " + txId);
        }
        int formatId;
        byte[] gtrid;
        byte[] bqual;
        try {
            formatId = Integer.parseInt(parts[0]);
            gtrid = HEX.parseHex(parts[1]);
            bqual = HEX.parseHex(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an XA branch (" + e.getMessage() + "): " + txId, e);
        }
        checkParts(formatId, gtrid, bqual);
        BranchXid xid = new BranchXid(formatId, gtrid, bqual);
        // Only the canonical spelling round-trips; another ("0A", "+7") would name a different branch.
        if (!toTxId(xid).equals(txId)) {
            throw new IllegalArgumentException("not an XA branch (not in canonical form " + toTxId(xid) + "): " + txId);
        }
        return xid;
    }

    private static void checkParts(int formatId, byte[] gtrid, byte[] bqual) {
        if (formatId == NULL_FORMAT_ID) throw new IllegalArgumentException("the null Xid (format id -1) names no branch");
        if (formatId < 0) throw new IllegalArgumentException("Xid format id must be >= 0, was " + formatId);
        if (gtrid == null) throw new IllegalArgumentException("Xid global transaction id is null");
        if (bqual == null) throw new IllegalArgumentException("Xid branch qualifier is null");
        if (gtrid.length < 1 || gtrid.length > Xid.MAXGTRIDSIZE) {
            throw new IllegalArgumentException("Xid global transaction id must be 1.." + Xid.MAXGTRIDSIZE
                    + " bytes, was " + gtrid.length);
        }
        if (bqual.length > Xid.MAXBQUALSIZE) {
            throw new IllegalArgumentException("Xid branch qualifier must be at most " + Xid.MAXBQUALSIZE
                    + " bytes, was " + bqual.length);
        }
    }

    /** An immutable Xid, equal to any other BranchXid with the same three parts. */
    static final class BranchXid implements Xid {
        private final int formatId;
        private final byte[] gtrid;
        private final byte[] bqual;

        BranchXid(int formatId, byte[] gtrid, byte[] bqual) {
            this.formatId = formatId;
            this.gtrid = gtrid.clone();
            this.bqual = bqual.clone();
        }

        @Override
        public int getFormatId() {
            return formatId;
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return gtrid.clone();
        }

        @Override
        public byte[] getBranchQualifier() {
            return bqual.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BranchXid x && x.formatId == formatId && Arrays.equals(x.gtrid, gtrid)
                    && Arrays.equals(x.bqual, bqual);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * formatId + Arrays.hashCode(gtrid)) + Arrays.hashCode(bqual);
        }

        @Override
        public String toString() {
            return formatId + ":" + HEX.formatHex(gtrid) + ":" + HEX.formatHex(bqual);
        }
    }
}
