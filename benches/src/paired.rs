//! Two clients measured in one process, in alternating blocks of queries: each block's CPU
//! per query is divided by its neighbour's. Runs of one client in separate processes move
//! ±10 % from process to process on a shared 2-vCPU guest (cache placement, the host's
//! other tenants), so a ratio of two processes carries that noise; two neighbouring blocks
//! of one process share it, and their ratio does not.

use crate::cpu_seconds;

/// What [`paired_blocks`] measured.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PairedBlocks {
    /// Each pair's ratio: CPU per query of `a`'s block over `b`'s, in run order.
    pub ratios: Vec<f64>,
    /// All of `a`'s blocks: CPU seconds.
    pub a_cpu: f64,
    /// All of `b`'s blocks: CPU seconds.
    pub b_cpu: f64,
    /// Queries that failed, both clients together.
    pub errors: usize,
}

/// `pairs` pairs of blocks of `block` queries each, `a` and `b` alternating as `a b`, then
/// `b a` (so a trend over the run weighs on both alike). `a` and `b` make one query each and
/// say whether it succeeded.
pub async fn paired_blocks(
    mut a: impl AsyncFnMut() -> bool,
    mut b: impl AsyncFnMut() -> bool,
    pairs: usize,
    block: usize,
) -> PairedBlocks {
    let mut out = PairedBlocks::default();
    for pair in 0..pairs {
        let (a_cpu, b_cpu) = if pair % 2 == 0 {
            let a_cpu = timed_block(&mut a, block, &mut out.errors).await;
            (a_cpu, timed_block(&mut b, block, &mut out.errors).await)
        } else {
            let b_cpu = timed_block(&mut b, block, &mut out.errors).await;
            (timed_block(&mut a, block, &mut out.errors).await, b_cpu)
        };
        out.a_cpu += a_cpu;
        out.b_cpu += b_cpu;
        if b_cpu > 0.0 {
            out.ratios.push(a_cpu / b_cpu);
        }
    }
    out
}

/// `block` queries by `query`: their CPU seconds (failures counted into `errors`).
async fn timed_block(
    query: &mut impl AsyncFnMut() -> bool,
    block: usize,
    errors: &mut usize,
) -> f64 {
    let before = cpu_seconds();
    for _ in 0..block {
        if !query().await {
            *errors += 1;
        }
    }
    cpu_seconds() - before
}

/// The median of `values` (`None` when empty).
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[mid]),
        _ => Some((sorted[mid - 1] + sorted[mid]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_odd_even_and_no_values() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn blocks_alternate_and_count_every_query_and_failure() {
        let order = std::cell::RefCell::new(Vec::new());
        let rt = crate::runtime().unwrap();
        let measured = rt.block_on(paired_blocks(
            async || {
                order.borrow_mut().push('a');
                true
            },
            async || {
                order.borrow_mut().push('b');
                false
            },
            3,
            2,
        ));
        let order: String = order.into_inner().into_iter().collect();
        assert_eq!(order, "aabbbbaaaabb");
        assert_eq!(measured.errors, 6, "every b query failed");
        assert!(measured.ratios.len() <= 3);
        assert!(measured.ratios.iter().all(|r| r.is_finite() && *r >= 0.0));
    }
}
