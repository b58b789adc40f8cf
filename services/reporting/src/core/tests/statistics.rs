//! Rates and the nearest-rank percentile.

use crate::core::{Compliance, Rate, nearest_rank};

/// The textbook example of the nearest-rank method: for 15, 20, 35, 40,
/// 50 the 30th percentile is the value at rank ⌈0.3 × 5⌉ = 2.
#[test]
fn the_nearest_rank_percentile_is_the_value_at_rank_p_times_n_rounded_up() {
    let values = [40, 15, 50, 35, 20];
    assert_eq!(nearest_rank(&values, 5), Some(15));
    assert_eq!(nearest_rank(&values, 30), Some(20));
    assert_eq!(nearest_rank(&values, 40), Some(20));
    assert_eq!(nearest_rank(&values, 50), Some(35));
    assert_eq!(nearest_rank(&values, 90), Some(50));
    assert_eq!(nearest_rank(&values, 100), Some(50));
}

#[test]
fn the_median_of_an_even_count_is_the_lower_middle_value_never_an_average() {
    assert_eq!(nearest_rank(&[1, 2, 3, 4], 50), Some(2));
    assert_eq!(nearest_rank(&[4, 9], 50), Some(4));
}

#[test]
fn the_90th_percentile_of_ten_values_is_the_ninth() {
    let days: Vec<u32> = (1..=10).rev().collect();
    assert_eq!(nearest_rank(&days, 90), Some(9));
    let nine: Vec<u32> = (1..=9).collect();
    // Rank ⌈0.9 × 9⌉ = 9: with fewer than ten values the 90th is the largest.
    assert_eq!(nearest_rank(&nine, 90), Some(9));
    assert_eq!(nearest_rank(&[7], 90), Some(7));
}

#[test]
fn no_values_have_no_percentile_and_the_0th_is_the_smallest() {
    assert_eq!(nearest_rank(&[], 50), None);
    assert_eq!(nearest_rank(&[3, 1, 2], 0), Some(1));
}

#[test]
fn a_rate_with_nothing_to_divide_by_has_no_ratio() {
    let none = Rate {
        numerator: 0,
        denominator: 0,
    };
    assert_eq!(none.ratio(), None);
    let some = Rate {
        numerator: 1,
        denominator: 4,
    };
    assert_eq!(some.ratio(), Some(0.25));
    assert_eq!(Compliance { met: 3, missed: 1 }.rate(), Some(0.75));
    assert_eq!(Compliance::default().rate(), None);
}
