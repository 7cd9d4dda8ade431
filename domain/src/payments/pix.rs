//! PIX "copia e cola": the BR Code payload (EMV QR Code merchant-presented format, as
//! the Banco Central do Brasil specifies it) and its QR code.
//!
//! Each field is `ID` (2 digits) + length (2 digits) + value; the payload ends with field
//! 63, a CRC16-CCITT (polynomial 0x1021, start 0xFFFF) over everything before it,
//! including "6304", written as 4 upper-case hex digits.

use rust_decimal::Decimal;

/// What a PIX charge needs.
#[derive(Clone, Debug)]
pub struct PixCharge<'a> {
    /// The receiver's PIX key (e-mail, phone, CPF/CNPJ or random key).
    pub key: &'a str,
    pub merchant_name: &'a str,
    pub merchant_city: &'a str,
    /// In BRL, two decimals.
    pub amount: Decimal,
    /// Identifies the charge in the bank's notification: up to 25 letters and digits.
    pub txid: &'a str,
}

fn field(id: &str, value: &str) -> String {
    format!("{id}{:02}{value}", value.len())
}

/// Letters and digits only, without accents, cut to `max` (the BR Code is ASCII).
fn plain(text: &str, max: usize) -> String {
    text.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ã' | 'ä' | 'Á' | 'À' | 'Â' | 'Ã' | 'Ä' => 'A',
            'é' | 'ê' | 'è' | 'É' | 'Ê' | 'È' => 'E',
            'í' | 'Í' => 'I',
            'ó' | 'ô' | 'õ' | 'Ó' | 'Ô' | 'Õ' => 'O',
            'ú' | 'ü' | 'Ú' | 'Ü' => 'U',
            'ç' | 'Ç' => 'C',
            c if c.is_ascii_alphanumeric() || c == ' ' => c.to_ascii_uppercase(),
            _ => ' ',
        })
        .take(max)
        .collect::<String>()
        .trim()
        .to_string()
}

/// The "copia e cola" text for a charge.
pub fn payload(charge: &PixCharge<'_>) -> String {
    let account = field("00", "br.gov.bcb.pix") + &field("01", charge.key.trim());
    let txid: String = charge
        .txid
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(25)
        .collect();
    let mut amount = charge.amount.round_dp(2);
    amount.rescale(2);
    let mut text = String::new();
    text += &field("00", "01");
    // 12: this code is for one payment.
    text += &field("01", "12");
    text += &field("26", &account);
    text += &field("52", "0000");
    text += &field("53", "986");
    text += &field("54", &amount.to_string());
    text += &field("58", "BR");
    text += &field("59", &plain(charge.merchant_name, 25));
    text += &field("60", &plain(charge.merchant_city, 15));
    text += &field(
        "62",
        &field("05", if txid.is_empty() { "***" } else { &txid }),
    );
    text += "6304";
    let crc = crc16(text.as_bytes());
    text + &format!("{crc:04X}")
}

/// CRC16-CCITT-FALSE, as field 63 of a BR Code requires.
pub fn crc16(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for byte in bytes {
        crc ^= (*byte as u16) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// Whether a payload's CRC matches its contents.
pub fn crc_is_valid(payload: &str) -> bool {
    let Some((body, crc)) = payload.len().checked_sub(4).map(|at| payload.split_at(at)) else {
        return false;
    };
    body.ends_with("6304") && format!("{:04X}", crc16(body.as_bytes())) == crc
}

/// The payload as a QR code, as an SVG document for the order page.
pub fn qr_svg(payload: &str) -> String {
    match qrcode::QrCode::new(payload.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(220, 220)
            .quiet_zone(true)
            .build(),
        Err(error) => {
            tracing::error!(%error, "PIX payload too long for a QR code");
            String::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn crc16_matches_the_standard_check_value() {
        // CRC-16/CCITT-FALSE of "123456789" is 0x29B1.
        assert_eq!(crc16(b"123456789"), 0x29B1);
    }

    #[test]
    fn the_central_bank_example_has_a_valid_crc() {
        // The static example of the BR Code manual (key, no amount).
        let example = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000\
                       5204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
        assert!(crc_is_valid(example));
        assert!(!crc_is_valid(&example.replace("1D3D", "1D3E")));
    }

    #[test]
    fn a_charge_has_every_field_and_a_valid_crc() {
        let code = payload(&PixCharge {
            key: "pix@vitrine.example",
            merchant_name: "Vitrine Loja São João",
            merchant_city: "São Paulo",
            amount: dec!(123.4),
            txid: "VT1001-abc",
        });
        assert!(code.starts_with("000201010212"));
        assert!(code.contains("0014br.gov.bcb.pix0119pix@vitrine.example"));
        assert!(code.contains("53039865406123.40"));
        assert!(code.contains("5802BR5921VITRINE LOJA SAO JOAO6009SAO PAULO"));
        assert!(code.contains("62130509VT1001abc"));
        assert!(crc_is_valid(&code));
        assert!(qr_svg(&code).starts_with("<?xml"));
    }
}
