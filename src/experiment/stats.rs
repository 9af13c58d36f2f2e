//! Streaming statistics: running moments (Welford 1962) and 95% confidence intervals.
//!
//! Accumulation is sequential and in replicate order, so results do not depend on the number
//! of threads.

/// Running count, mean and sum of squared deviations.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Moments {
    pub n: u64,
    mean: f64,
    m2: f64,
}

impl Moments {
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        let delta = x - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (x - self.mean);
    }

    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then_some(self.mean)
    }

    /// Sample standard deviation (n − 1).
    pub fn sd(&self) -> Option<f64> {
        (self.n > 1).then(|| (self.m2 / (self.n - 1) as f64).max(0.0).sqrt())
    }

    /// Student-t 95% interval of the mean; `None` below two observations.
    pub fn ci95(&self) -> Option<(f64, f64)> {
        let sd = self.sd()?;
        let half = t_quantile_975(self.n - 1) * sd / (self.n as f64).sqrt();
        Some((self.mean - half, self.mean + half))
    }

    /// Wilson score 95% interval of a proportion whose observations are 0 or 1 (Wilson 1927;
    /// better than the normal interval near 0 and 1).
    pub fn wilson95(&self) -> Option<(f64, f64)> {
        self.wilson(Z_975)
    }

    /// Wilson score interval with normal quantile `z` (1.96 for 95%, 3.29 for 99.9%).
    pub fn wilson(&self, z: f64) -> Option<(f64, f64)> {
        if self.n == 0 {
            return None;
        }
        let n = self.n as f64;
        let p = self.mean.clamp(0.0, 1.0);
        let denom = 1.0 + z * z / n;
        let centre = (p + z * z / (2.0 * n)) / denom;
        let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / denom;
        Some(((centre - half).max(0.0), (centre + half).min(1.0)))
    }
}

const Z_975: f64 = 1.959_963_984_540_054;

/// Exact 97.5% quantiles of Student's t for 1–9 degrees of freedom.
const T_975_SMALL: [f64; 9] = [
    12.706_204_74,
    4.302_652_73,
    3.182_446_31,
    2.776_445_11,
    2.570_581_84,
    2.446_911_85,
    2.364_624_25,
    2.306_004_14,
    2.262_157_16,
];

/// The 97.5% quantile of Student's t with `df` degrees of freedom: tabulated below 10, the
/// Cornish–Fisher expansion to fourth order from 10 on (Abramowitz & Stegun 26.7.5; error
/// below 1e-5 there).
pub fn t_quantile_975(df: u64) -> f64 {
    match df {
        0 => f64::NAN,
        1..=9 => T_975_SMALL[df as usize - 1],
        _ => {
            let z = Z_975;
            let v = df as f64;
            let (z3, z5, z7, z9) = (z.powi(3), z.powi(5), z.powi(7), z.powi(9));
            z + (z3 + z) / (4.0 * v)
                + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * v * v)
                + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * v.powi(3))
                + (79.0 * z9 + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * z)
                    / (92160.0 * v.powi(4))
        }
    }
}
