//! The conformance suite: one set of behaviours every backend must show. Each backend crate
//! runs it against a fresh database in its own tests (atuin's "story" pattern).
