//! TLS to the database with libpq's meanings: `disable` never; `allow` and `prefer` (the
//! default) when the server offers it; `require` always; none of these check the server's
//! certificate (libpq's `require` does when a root certificate is given, and so does this);
//! `verify-ca` checks it was issued by the given authority; `verify-full` also that it names
//! the host connected to.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use postgres::config::SslMode;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{ClientConfig, WebPkiServerVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::tls_options::{Mode, Options};

/// The mode to give the postgres crate, and the TLS connector, if TLS may be used.
pub fn connector(options: &Options) -> Result<(SslMode, Option<MakeRustlsConnect>), String> {
    let mode = match options.mode.unwrap_or(Mode::Prefer) {
        Mode::Require if options.root.is_some() => Mode::VerifyCa,
        mode => mode,
    };
    let crate_mode = match mode {
        Mode::Disable => return Ok((SslMode::Disable, None)),
        Mode::Allow | Mode::Prefer => SslMode::Prefer,
        Mode::Require | Mode::VerifyCa | Mode::VerifyFull => SslMode::Require,
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier: Arc<dyn ServerCertVerifier> = match mode {
        Mode::VerifyCa | Mode::VerifyFull => {
            let roots = Arc::new(roots(options.root.as_deref(), mode)?);
            let webpki = WebPkiServerVerifier::builder_with_provider(roots, Arc::clone(&provider))
                .build()
                .map_err(|e| format!("sslrootcert: {e}"))?;
            if mode == Mode::VerifyFull { webpki } else { Arc::new(IssuedBy(webpki)) }
        }
        _ => Arc::new(Unchecked(Arc::clone(&provider))),
    };
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let config = match (&options.cert, &options.key) {
        (Some(cert), Some(key)) => builder
            .with_client_auth_cert(certificates(Path::new(cert), "sslcert")?, private_key(Path::new(key))?)
            .map_err(|e| format!("sslcert {cert}: {e}"))?,
        (None, None) => builder.with_no_client_auth(),
        _ => return Err("sslcert and sslkey are given together (a client certificate and its key)".into()),
    };
    Ok((crate_mode, Some(MakeRustlsConnect::new(config))))
}

/// The certificate authorities `sslrootcert` names: a PEM file, or `system` for the web's
/// roots (Mozilla's list); by default `~/.postgresql/root.crt`, as libpq.
fn roots(root: Option<&str>, mode: Mode) -> Result<RootCertStore, String> {
    if root == Some("system") {
        return Ok(RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() });
    }
    let default = || std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".postgresql/root.crt"));
    let path = match root {
        Some(path) => PathBuf::from(path),
        None => default().filter(|p| p.exists()).ok_or_else(|| {
            let mode = if mode == Mode::VerifyFull { "verify-full" } else { "verify-ca" };
            format!(
                "sslmode={mode} needs the certificate authority: sslrootcert=FILE (or ~/.postgresql/root.crt, or sslrootcert=system)"
            )
        })?,
    };
    let mut store = RootCertStore::empty();
    for certificate in certificates(&path, "sslrootcert")? {
        store.add(certificate).map_err(|e| format!("sslrootcert {}: {e}", path.display()))?;
    }
    Ok(store)
}

fn certificates(path: &Path, option: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let failed = |e: &dyn std::fmt::Display| format!("{option} {}: {e}", path.display());
    let found: Vec<_> = CertificateDer::pem_file_iter(path)
        .map_err(|e| failed(&e))?
        .collect::<Result<_, _>>()
        .map_err(|e| failed(&e))?;
    if found.is_empty() {
        return Err(failed(&"no PEM certificate in it"));
    }
    Ok(found)
}

/// The client certificate's key, which (as libpq insists) only its owner may read.
fn private_key(path: &Path) -> Result<PrivateKeyDer<'static>, String> {
    use std::os::unix::fs::PermissionsExt;
    let failed = |e: &dyn std::fmt::Display| format!("sslkey {}: {e}", path.display());
    let mode = std::fs::metadata(path).map_err(|e| failed(&e))?.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(failed(&"others may read it: chmod 600"));
    }
    PrivateKeyDer::from_pem_file(path).map_err(|e| failed(&e))
}

/// `verify-ca`: the chain must lead to the authority; the name is not compared.
#[derive(Debug)]
struct IssuedBy(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for IssuedBy {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.0.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            checked => checked,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// `prefer` and `require`: encrypted, the certificate taken as it comes (as libpq does); the
/// handshake's signatures are still checked against it.
#[derive(Debug)]
struct Unchecked(Arc<CryptoProvider>);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
