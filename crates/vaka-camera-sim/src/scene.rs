//! Synthetic night-vision frames: a bed seen from above the foot end, with the client in it, the
//! bed empty, or the client on the floor beside it. Grayscale, with sensor noise and slow
//! breathing so that consecutive frames differ.

use strum::{EnumString, IntoStaticStr, VariantArray};

/// What the camera sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Scene {
    InBed,
    EmptyBed,
    OnFloor,
}

impl Scene {
    /// Every scene.
    pub const ALL: &'static [Scene] = <Scene as strum::VariantArray>::VARIANTS;

    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn from_code(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

pub const WIDTH: u16 = 320;
pub const HEIGHT: u16 = 240;

/// A small deterministic noise source (xorshift), so frames are reproducible in tests.
fn noise(seed: &mut u32) -> u8 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 17;
    *seed ^= *seed << 5;
    (*seed & 0x0F) as u8
}

/// The index of pixel (x, y); both are non-negative (the loops below start at 0).
fn at(x: i32, y: i32) -> usize {
    usize::try_from(y).unwrap_or(0) * usize::from(WIDTH) + usize::try_from(x).unwrap_or(0)
}

fn fill(img: &mut [u8], x0: i32, y0: i32, x1: i32, y1: i32, v: u8) {
    for y in y0.max(0)..y1.min(i32::from(HEIGHT)) {
        for x in x0.max(0)..x1.min(i32::from(WIDTH)) {
            img[at(x, y)] = v;
        }
    }
}

fn ellipse(img: &mut [u8], cx: i32, cy: i32, rx: i32, ry: i32, v: u8) {
    for y in (cy - ry).max(0)..(cy + ry).min(i32::from(HEIGHT)) {
        for x in (cx - rx).max(0)..(cx + rx).min(i32::from(WIDTH)) {
            let (dx, dy) = (x - cx, y - cy);
            if dx * dx * ry * ry + dy * dy * rx * rx <= rx * rx * ry * ry {
                img[at(x, y)] = v;
            }
        }
    }
}

/// The raw grayscale pixels of a scene at frame `n`.
pub fn pixels(scene: Scene, n: u32) -> Vec<u8> {
    let mut img = vec![28u8; usize::from(WIDTH) * usize::from(HEIGHT)];
    // Floor boards, the bed frame and the mattress.
    for y in (0..i32::from(HEIGHT)).step_by(24) {
        fill(&mut img, 0, y, i32::from(WIDTH), y + 1, 20);
    }
    fill(&mut img, 70, 30, 250, 220, 60);
    fill(&mut img, 78, 38, 242, 212, 92);
    fill(&mut img, 100, 44, 220, 74, 130); // pillow
    // Breathing: the blanket rises and falls over about four seconds at 5 frames/s.
    let breath = [0, 1, 2, 3, 2, 1, 0, -1, -2, -1][(n % 10) as usize];
    match scene {
        Scene::InBed => {
            ellipse(&mut img, 160, 66, 18, 15, 170); // head
            fill(&mut img, 96, 84 - breath, 224, 200, 112); // blanket over the body
            ellipse(&mut img, 160, 140, 50, 44 + breath, 124);
        }
        Scene::EmptyBed => {
            fill(&mut img, 96, 150, 224, 200, 104); // the blanket folded at the foot
        }
        Scene::OnFloor => {
            fill(&mut img, 96, 150, 224, 200, 104);
            ellipse(&mut img, 285, 120, 14, 12, 170); // head by the bed
            ellipse(&mut img, 286, 175, 22, 48, 120); // body on the floor
        }
    }
    let mut seed = 0x9E37_79B9 ^ n.wrapping_mul(2_654_435_761);
    for p in &mut img {
        *p = p.saturating_add(noise(&mut seed));
    }
    img
}

/// A JPEG of a scene at frame `n` (about 10 KB).
pub fn jpeg(scene: Scene, n: u32) -> Vec<u8> {
    let img = pixels(scene, n);
    let mut out = Vec::with_capacity(16 * 1024);
    let encoder = jpeg_encoder::Encoder::new(&mut out, 70);
    // Encoding a valid buffer of the stated size into memory cannot fail.
    if encoder
        .encode(&img, WIDTH, HEIGHT, jpeg_encoder::ColorType::Luma)
        .is_err()
    {
        return Vec::new();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_and_are_unique() {
        let codes: Vec<_> = Scene::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(codes, ["in_bed", "empty_bed", "on_floor"]);
        for &s in Scene::ALL {
            assert_eq!(Scene::from_code(s.code()), Some(s), "{s:?}");
        }
        assert_eq!(Scene::from_code("InBed"), None);
    }

    #[test]
    fn frames_are_jpegs_that_differ_by_scene_and_over_time() {
        let a = jpeg(Scene::InBed, 0);
        assert!(a.starts_with(&[0xFF, 0xD8]) && a.ends_with(&[0xFF, 0xD9]));
        assert!(a.len() > 2_000 && a.len() < 60_000, "{} bytes", a.len());
        assert_ne!(
            a,
            jpeg(Scene::InBed, 3),
            "breathing and noise change the frame"
        );
        assert_eq!(a, jpeg(Scene::InBed, 0), "deterministic");
        // The scenes differ where the person is: on the floor right of the bed.
        let floor = pixels(Scene::OnFloor, 0);
        let bed = pixels(Scene::InBed, 0);
        let at = |img: &[u8], x: usize, y: usize| img[y * usize::from(WIDTH) + x];
        assert!(at(&floor, 286, 175) > at(&bed, 286, 175) + 50);
        assert!(at(&bed, 160, 66) > at(&pixels(Scene::EmptyBed, 0), 160, 66) + 20);
    }
}
