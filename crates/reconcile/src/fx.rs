//! A fast, non-cryptographic hasher for the reconciler's own maps and name sets. Their keys
//! come from the log being reconciled (subjects, names, entry hashes), looked up millions of
//! times in one pass; SipHash's guard against keys crafted to collide is for maps a remote
//! party fills while it watches the timing, which these are not.

use std::hash::{BuildHasherDefault, Hasher};

/// A map keyed by what the log says.
pub type FxBuild = BuildHasherDefault<Fx>;

/// FxHash: each 8 bytes rotated in, multiplied by an odd constant.
#[derive(Default)]
pub struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        // The multiply leaves the low bits (which pick a map's bucket) depending on the low
        // bits of the input only: murmur3's finalizer spreads every bit over all of them.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

impl Fx {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}
