//! Product pictures for the demo shop, drawn as SVG by the code: nothing is fetched and
//! nothing is stored. `/media/demo/<shape>-<colour>-<view>.svg` names a picture.

const PREFIX: &str = "/media/demo/";

pub fn url(shape: &str, colour: &str, view: usize) -> String {
    format!("{PREFIX}{shape}-{colour}-{view}.svg")
}

fn fill(colour: &str) -> Option<&'static str> {
    Some(match colour {
        "black" => "#1c1917",
        "white" => "#f5f5f4",
        "navy" => "#1e3a8a",
        "red" => "#b91c1c",
        "green" => "#15803d",
        _ => return None,
    })
}

/// The outline of each kind of product, in a 100×100 box.
fn outline(shape: &str) -> Option<&'static str> {
    Some(match shape {
        "tshirt" => {
            "M30 18 L42 12 Q50 18 58 12 L70 18 L86 32 L76 42 L68 36 L68 88 L32 88 L32 36 L24 42 L14 32 Z"
        }
        "jacket" => {
            "M32 14 L44 10 L50 20 L56 10 L68 14 L84 30 L80 88 L62 88 L62 40 L50 24 L38 40 L38 88 L20 88 L16 30 Z"
        }
        "sneaker" => "M10 62 L12 44 L30 44 Q40 54 54 50 L70 56 Q88 58 90 66 L90 74 L10 74 Z",
        "boot" => "M30 14 L54 14 L54 56 Q78 58 84 70 L84 80 L28 80 L28 56 Z",
        "mug" => {
            "M24 26 L66 26 L66 80 Q66 86 60 86 L30 86 Q24 86 24 80 Z M66 38 Q84 38 84 52 Q84 66 66 66 L66 60 Q76 60 76 52 Q76 44 66 44 Z"
        }
        _ => return None,
    })
}

/// The SVG for a picture file name such as `tshirt-red-1.svg`; `None` for a name that
/// does not describe one (the server answers 404).
pub fn svg(file_name: &str) -> Option<String> {
    let stem = file_name.strip_suffix(".svg")?;
    let mut parts = stem.splitn(3, '-');
    let (shape, colour, view) = (parts.next()?, parts.next()?, parts.next()?);
    let path = outline(shape)?;
    let fill = fill(colour)?;
    // The back view is mirrored so a gallery's two pictures differ.
    let transform = match view {
        "1" => "",
        "2" => r#" transform="translate(100 0) scale(-1 1)""#,
        _ => return None,
    };
    Some(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="800" height="800"><rect width="100" height="100" fill="#e7e5e4"/><path d="{path}" fill="{fill}" stroke="#44403c" stroke-width="1.2" stroke-linejoin="round"{transform}/></svg>"##
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_url_the_catalog_uses_draws_a_picture() {
        for shape in ["tshirt", "jacket", "sneaker", "boot", "mug"] {
            for colour in ["black", "white", "navy", "red", "green"] {
                for view in 1..=2 {
                    let url = url(shape, colour, view);
                    let name = url.strip_prefix(PREFIX).unwrap();
                    let svg = svg(name).unwrap();
                    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
                }
            }
        }
    }

    #[test]
    fn unknown_pictures_are_refused() {
        for name in [
            "",
            "tshirt-red-1",
            "hat-red-1.svg",
            "tshirt-pink-1.svg",
            "tshirt-red-3.svg",
            "../etc/passwd",
        ] {
            assert_eq!(svg(name), None, "{name}");
        }
    }
}
