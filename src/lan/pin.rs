//! A desk trusts exactly one certificate: the host's, by the SHA-256
//! fingerprint it pinned at pairing. No authority, no name check — a
//! certificate with any other fingerprint is refused, whatever it claims.

use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

#[derive(Debug)]
pub struct Pinned {
    /// None only for the first look at pairing, before anything is sent.
    pin: Option<String>,
    /// The fingerprint the host presented, for the pairing screen and errors.
    seen: Arc<Mutex<Option<String>>>,
    provider: Arc<CryptoProvider>,
}

impl Pinned {
    pub fn new(pin: Option<&str>) -> Pinned {
        Pinned { pin: pin.map(str::to_ascii_lowercase), seen: Default::default(), provider: Arc::new(rustls::crypto::ring::default_provider()) }
    }

    /// Where the fingerprint the host presents is noted.
    pub fn seen(&self) -> Arc<Mutex<Option<String>>> {
        self.seen.clone()
    }

    /// A client configuration that trusts this pin only.
    pub fn client_config(self) -> rustls::ClientConfig {
        let provider = self.provider.clone();
        let builder = rustls::ClientConfig::builder_with_provider(provider).with_safe_default_protocol_versions();
        // The ring provider supports the default versions.
        let builder = match builder {
            Ok(b) => b,
            Err(_) => rustls::ClientConfig::builder_with_protocol_versions(rustls::DEFAULT_VERSIONS),
        };
        builder.dangerous().with_custom_certificate_verifier(Arc::new(self)).with_no_client_auth()
    }
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let presented = super::fingerprint_of(end_entity);
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some(presented.clone());
        }
        match &self.pin {
            None => Ok(ServerCertVerified::assertion()),
            Some(pin) if *pin == presented => Ok(ServerCertVerified::assertion()),
            Some(_) => Err(rustls::Error::General("主机的证书与配对时的不一致".into())),
        }
    }

    fn verify_tls12_signature(&self, message: &[u8], cert: &CertificateDer<'_>, dss: &DigitallySignedStruct) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(&self, message: &[u8], cert: &CertificateDer<'_>, dss: &DigitallySignedStruct) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}
