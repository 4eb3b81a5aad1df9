//! Early-warning networks and the call centre (issue #19), pure logic: no SQL, no
//! HTTP.
//!
//! - [`gateway`]: what SMS gateways send (a plain documented JSON form, RapidPro /
//!   TextIt's flow webhook, the form-encoded post of SMSSync / FrontlineSMS-style
//!   gateways), read into one [`gateway::InboundSms`], its deduplication key, and the
//!   reply in the shape the gateway expects.
//! - [`concat`]: the parts of a long (concatenated) SMS joined in order.
//! - [`parse`]: the short structured message (`ALERTE MENAKA 3 morts hommes armés`),
//!   French and English, matched against the place gazetteer, with a confidence.
//! - [`calls`]: call volumes by hour, day, language and outcome.
//! - [`silent`]: the places a network covers that have gone silent for N days.
//! - [`text`]: accent- and case-folding shared by the above.

pub mod calls;
pub mod concat;
pub mod gateway;
pub mod parse;
pub mod silent;
pub mod text;

/// Bad input, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    pub field: &'static str,
    pub message: String,
}

impl Invalid {
    pub fn new(field: &'static str, message: impl Into<String>) -> Invalid {
        Invalid {
            field,
            message: message.into(),
        }
    }
}
