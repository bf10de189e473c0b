//! The reconciler on real data nobody here wrote: 49,955 conflicting Wikipedia edits of city
//! populations, scored against census-based reference figures, beside the majority-vote
//! baseline computed here from the same claims.

use crate::support::shared;

#[test]
fn population_figures_weighed_by_reliability_beat_counting_and_majority_vote() {
    let Some(shared) = shared() else {
        crate::support::notice(
            "skipped: ../shared/data/population is not here, so the reconciler is not scored on real data",
        );
        return;
    };
    let report = reckon_synth::eval::evaluate_dir(&shared.join("data/population"), false).unwrap();
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
    let dev_score = |list: &[(std::path::PathBuf, reckon_synth::eval::Score)], label: &str| {
        let (_, s) = list
            .iter()
            .find(|(p, _)| p.ends_with("truth-dev.csv"))
            .expect("truth-dev.csv is scored by every method")
            .clone();
        crate::support::notice(&format!(
            "{label} on the same claims: {} of {} wrong ({:.1}%)",
            s.wrong,
            s.subjects,
            100.0 * s.error_rate()
        ));
        s
    };
    let majority = dev_score(&report.majority, "majority vote");
    let counting = dev_score(&report.counting, "--method count");
    assert_eq!(dev.subjects, 156);
    // A floor, not a goal: counting distinct origins with ties broken by records is majority
    // vote with a principled tie-break, so it must never do worse than the baseline; weighing
    // origins by the reliability the whole log shows must do better than both.
    assert!(
        counting.wrong <= majority.wrong,
        "counting is worse than majority vote: {} wrong against {}",
        counting.wrong,
        majority.wrong
    );
    assert!(
        dev.wrong < counting.wrong && dev.wrong < majority.wrong,
        "weighing origins is no better than counting them: {} wrong ({:.1}%) against {} counting and {} by majority vote",
        dev.wrong,
        100.0 * dev.error_rate(),
        counting.wrong,
        majority.wrong
    );
}
