//! The reconciler on real data nobody here wrote: 49,955 conflicting Wikipedia edits of city
//! populations, scored against census-based reference figures. Majority vote is wrong on
//! 17.3% of the reference subjects; the reconciler must not do worse.

use crate::support::shared;

#[test]
fn population_figures_at_least_match_majority_vote() {
    let Some(shared) = shared() else {
        crate::support::notice(
            "skipped: ../shared/data/population is not here, so the reconciler is not scored on real data",
        );
        return;
    };
    let report = reckon_synth::eval::evaluate_dir(&shared.join("data/population")).unwrap();
    let (path, dev) = report
        .scores
        .iter()
        .find(|(p, _)| p.ends_with("truth-dev.csv"))
        .expect("truth-dev.csv is scored");
    crate::support::notice(&format!(
        "{}: {} of {} wrong ({:.1}%), mean absolute error {:.0}; {} malformed lines left out",
        path.display(),
        dev.wrong,
        dev.subjects,
        100.0 * dev.error_rate(),
        dev.mae,
        report.skipped.len()
    ));
    assert_eq!(dev.subjects, 156);
    // Majority vote's 17.3% is 27 of these 156 subjects.
    assert!(
        dev.wrong <= 27,
        "worse than majority vote: {} wrong ({:.1}%)",
        dev.wrong,
        100.0 * dev.error_rate()
    );
}
