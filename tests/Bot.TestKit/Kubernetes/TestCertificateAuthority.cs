using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Bot.TestKit.Kubernetes;

/// <summary>A throwaway CA made at run time: it signs the double's server certificate (for 127.0.0.1/localhost) and client
/// certificates whose CN is the user and O the groups, as the API server reads them.</summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TestCertificateAuthority(string name = "release-bot test CA")
    {
        var req = new CertificateRequest($"CN={name}", _key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        Certificate = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    public X509Certificate2 Certificate { get; }

    public string CertificatePem => Certificate.ExportCertificatePem();

    /// <summary>A server certificate for 127.0.0.1, ::1 and localhost (plus <paramref name="extraDnsNames"/>), with its key.</summary>
    public X509Certificate2 IssueServer(params string[] extraDnsNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=kube-apiserver", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        san.AddDnsName("localhost");
        foreach (var n in extraDnsNames) san.AddDnsName(n);
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return Sign(req, key);
    }

    /// <summary>A client certificate: CN=<paramref name="user"/>, one O per group. Returns PEMs as a kubeconfig holds them.</summary>
    public (string CertificatePem, string KeyPem) IssueClient(string user, params string[] groups)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = string.Join(", ", groups.Select(g => $"O={g}").Prepend($"CN={user}"));
        var req = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var cert = Sign(req, key);
        return (cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>True when <paramref name="cert"/> chains to this CA (and only this CA).</summary>
    public bool Issued(X509Certificate2 cert)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(cert);
    }

    private X509Certificate2 Sign(CertificateRequest req, ECDsa key)
    {
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        using var pub = req.Create(Certificate, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), serial);
        return pub.CopyWithPrivateKey(key);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }
}
