package dev.pledge.demo.certs;

import dev.pledge.core.Check;
import dev.pledge.tls.PeerIdentity;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * A cluster's certificate authority: it signs one certificate per node, operator and client, whose
 * CN is the id and whose one {@code pledge:role:...} URI is the role ({@link PeerIdentity}). EC
 * P-256 keys, SHA256withECDSA. Bouncy Castle builds the certificates; the JDK's own providers make
 * keys and signatures, so no provider is registered.
 */
public final class CertificateAuthority {
    static final String KEY_ALGORITHM = "EC";
    static final String CURVE = "secp256r1";
    static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    /** Bits of a certificate's random serial number (RFC 5280 allows up to 20 octets). */
    static final int SERIAL_BITS = 128;

    private final KeyPair keys;
    private final X509Certificate certificate;
    private final SecureRandom random;

    CertificateAuthority(KeyPair keys, X509Certificate certificate, SecureRandom random) {
        this.keys = Check.notNull(keys, "keys");
        this.certificate = Check.notNull(certificate, "certificate");
        this.random = Check.notNull(random, "random");
    }

    /** A new self-signed CA named {@code name}, valid from {@code notBefore} to {@code notAfter}. */
    public static CertificateAuthority create(String name, Instant notBefore, Instant notAfter, SecureRandom random) {
        KeyPair keys = newKeyPair(random);
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Pledge").addRDN(BCStyle.CN, name).build();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(subject, subject, keys.getPublic(), notBefore, notAfter, random)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
            return new CertificateAuthority(keys, sign(builder, keys), random);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot build a CA certificate with the JDK's EC provider", e);
        }
    }

    /** A new EC P-256 key pair. */
    public static KeyPair newKeyPair(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(KEY_ALGORITHM);
            generator.initialize(new ECGenParameterSpec(CURVE), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK 17 makes " + CURVE + " keys", e);
        }
    }

    /**
     * A certificate for {@code identity}'s public key {@code subjectKey}. Nodes' certificates serve
     * both ends of a handshake (they accept and make calls); operators' and clients' only the client
     * end. {@code hostNames} (DNS names or IP literals) go into the alternative names for clients that
     * check host names; Pledge itself checks the identity instead.
     */
    public X509Certificate issue(PeerIdentity identity, PublicKey subjectKey, List<String> hostNames, Instant notBefore, Instant notAfter) {
        Check.notNull(identity, "identity");
        Check.notNull(hostNames, "hostNames");
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Pledge").addRDN(BCStyle.CN, identity.id()).build();
        List<GeneralName> alternativeNames = new ArrayList<>();
        alternativeNames.add(new GeneralName(GeneralName.uniformResourceIdentifier, identity.role().uri()));
        for (String host : hostNames) {
            alternativeNames.add(new GeneralName(IPAddress.isValid(host) ? GeneralName.iPAddress : GeneralName.dNSName, host));
        }
        KeyPurposeId[] purposes = identity.role().isNode()
                ? new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}
                : new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth};
        return sign(subject, alternativeNames, purposes, subjectKey, notBefore, notAfter);
    }

    /** A certificate with exactly these names, whether or not they make a Pledge identity (tests make broken ones). */
    X509Certificate sign(X500Name subject, List<GeneralName> alternativeNames, KeyPurposeId[] purposes, PublicKey subjectKey,
            Instant notBefore, Instant notAfter) {
        Check.argument(!notAfter.truncatedTo(ChronoUnit.SECONDS).isAfter(certificate.getNotAfter().toInstant()),
                "a certificate cannot outlive its CA: the CA is valid until %s, the certificate would be until %s",
                certificate.getNotAfter().toInstant(), notAfter);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(
                    X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()), subject, subjectKey, notBefore, notAfter, random)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(alternativeNames.toArray(GeneralName[]::new)))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(subjectKey))
                    .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(certificate.getPublicKey()));
            return sign(builder, keys);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot build a certificate for " + subject, e);
        }
    }

    /** The CA's certificate, the one every node and client trusts. */
    public X509Certificate certificate() {
        return certificate;
    }

    KeyPair keys() {
        return keys;
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey subjectKey, Instant notBefore,
            Instant notAfter, SecureRandom random) {
        Check.argument(notBefore.isBefore(notAfter), "a certificate's validity must start (%s) before it ends (%s)", notBefore, notAfter);
        BigInteger serial = new BigInteger(SERIAL_BITS, random).setBit(SERIAL_BITS - 1);
        // X.509 times have whole seconds: say so here rather than let the encoder drop the rest.
        return new JcaX509v3CertificateBuilder(issuer, serial, Date.from(notBefore.truncatedTo(ChronoUnit.SECONDS)),
                Date.from(notAfter.truncatedTo(ChronoUnit.SECONDS)), subject, subjectKey);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuerKeys) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(issuerKeys.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("no " + SIGNATURE_ALGORITHM + " signer", e);
        }
    }
}
