use super::*;

#[test]
fn backoff_doubles_within_jitter_up_to_an_hour() {
    for _ in 0..50 {
        let first = backoff(1);
        assert!(
            first >= Duration::from_secs(5) && first <= Duration::from_secs(10),
            "{first:?}"
        );
        let third = backoff(3);
        assert!(
            third >= Duration::from_secs(20) && third <= Duration::from_secs(40),
            "{third:?}"
        );
        let late = backoff(40);
        assert!(
            late >= Duration::from_secs(1800) && late <= Duration::from_secs(3600),
            "{late:?}"
        );
    }
}

#[test]
fn a_failure_is_retried_while_attempts_are_left() {
    let job = |attempts| Job {
        target: None,
        id: 1,
        kind: "scan".into(),
        payload: String::new(),
        attempts,
        max_attempts: 3,
        owner: "w".into(),
    };
    assert_eq!(
        next_run(&job(1), Some(Duration::from_secs(7))),
        Some(Duration::from_secs(7))
    );
    assert!(next_run(&job(2), None).is_some_and(|d| d >= Duration::from_secs(10)));
    assert_eq!(next_run(&job(3), Some(Duration::ZERO)), None);
}

#[test]
fn errors_are_cut_on_a_character_boundary() {
    let long = "é".repeat(MAX_ERROR);
    let cut = bounded(&long);
    assert!(cut.len() <= MAX_ERROR && cut.len() >= MAX_ERROR - 1);
    assert_eq!(bounded("short"), "short");
}
