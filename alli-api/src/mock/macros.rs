//! Macros used by generated mock rules (`generated/mock.rs`): matchers and the methods every
//! typed rule has.

/// Expands, inside `impl Rule { .. }` of a generated typed mock rule, to one matcher method
/// that takes no value or a string: `__mock_matcher!(header agent_email, "AGENT-EMAIL")` (the
/// header has this value), `__mock_matcher!(header_absent without_agent_email, "AGENT-EMAIL")`,
/// `__mock_matcher!(query_absent without_q, "q")` (not sent), `__mock_matcher!(first_page
/// without_cursor, "cursor")` (a paginated list's cursor not sent: the first page).
#[macro_export]
#[doc(hidden)]
macro_rules! __mock_matcher {
    (header $name:ident, $wire:literal) => {
        #[doc = ::core::concat!(" Matches header `", $wire, "`.")]
        pub fn $name(mut self, value: impl ::core::convert::Into<::std::string::String>) -> Self {
            self.rule = self.rule.header($wire, &value.into());
            self
        }
    };
    (header_absent $name:ident, $wire:literal) => {
        #[doc = ::core::concat!(" Matches requests without header `", $wire, "`.")]
        pub fn $name(mut self) -> Self {
            self.rule = self.rule.header_absent($wire);
            self
        }
    };
    (query_absent $name:ident, $wire:literal) => {
        #[doc = ::core::concat!(" Matches requests without query parameter `", $wire, "`.")]
        pub fn $name(mut self) -> Self {
            self.rule = self.rule.query_absent($wire);
            self
        }
    };
    (first_page $name:ident, $wire:literal) => {
        #[doc = ::core::concat!(
                    " Matches requests without query parameter `", $wire, "` (the first page)."
                )]
        pub fn $name(mut self) -> Self {
            self.rule = self.rule.query_absent($wire);
            self
        }
    };
}

/// Expands, inside `impl Rule { .. }` of a generated typed mock rule that has a field
/// `rule: alli_api::mock::Expectation`, to the methods every typed rule has: typed answers
/// (`returns`, `then_returns` taking the success type, `fails`, `then_fails` taking the
/// documented error type), faults, unchecked replies, answer modifiers, call counts and
/// observation. `stream = $event` adds `streams` / `then_streams` / `event_interval`.
#[macro_export]
#[doc(hidden)]
macro_rules! __mock_rule {
    (success = $success:ty, error = $error:ty, stream = $event:ty) => {
        $crate::__mock_rule!(success = $success, error = $error);

        /// Answers with a stream of events (Server-Sent Events); the rule then matches only
        /// requests that ask for a stream.
        pub fn streams(mut self, events: impl ::core::iter::IntoIterator<Item = $event>) -> Self {
            self.rule = self.rule.streams(events);
            self
        }

        /// Appends a stream of events to the sequence of answers.
        pub fn then_streams(
            mut self,
            events: impl ::core::iter::IntoIterator<Item = $event>,
        ) -> Self {
            self.rule = self.rule.then_streams(events);
            self
        }

        /// The pause between two events of the latest answer, a stream.
        pub fn event_interval(mut self, pause: ::core::time::Duration) -> Self {
            self.rule = self.rule.event_interval(pause);
            self
        }
    };
    (success = $success:ty, error = $error:ty) => {
        /// Answers with `value`, the documented success response (checked against the document).
        pub fn returns(mut self, value: $success) -> Self {
            self.rule = self.rule.returns(value);
            self
        }

        /// Appends a success answer to the sequence (the last answer repeats).
        pub fn then_returns(mut self, value: $success) -> Self {
            self.rule = self.rule.then_returns(value);
            self
        }

        /// Answers with error `status` and `body` (checked against the body documented for
        /// `status`, when there is one).
        pub fn fails(mut self, status: u16, body: $error) -> Self {
            self.rule = self.rule.fails(status, body);
            self
        }

        /// Appends an error answer to the sequence.
        pub fn then_fails(mut self, status: u16, body: $error) -> Self {
            self.rule = self.rule.then_fails(status, body);
            self
        }

        /// Answers with a connection fault.
        pub fn fault(mut self, fault: $crate::mock::Fault) -> Self {
            self.rule = self.rule.fault(fault);
            self
        }

        /// Appends a connection fault to the sequence.
        pub fn then_fault(mut self, fault: $crate::mock::Fault) -> Self {
            self.rule = self.rule.then_fault(fault);
            self
        }

        /// Answers with `reply` as it is, not checked against the document.
        pub fn responds(mut self, reply: $crate::mock::Reply) -> Self {
            self.rule = self.rule.responds(reply);
            self
        }

        /// Appends an unchecked answer to the sequence.
        pub fn then_responds(mut self, reply: $crate::mock::Reply) -> Self {
            self.rule = self.rule.then_responds(reply);
            self
        }

        /// Adds `Retry-After: <secs>` to the latest answer.
        pub fn retry_after(mut self, secs: u64) -> Self {
            self.rule = self.rule.retry_after(secs);
            self
        }

        /// Adds a header to the latest answer.
        pub fn response_header(mut self, name: &str, value: &str) -> Self {
            self.rule = self.rule.response_header(name, value);
            self
        }

        /// Waits `delay` before the latest answer.
        pub fn delay(mut self, delay: ::core::time::Duration) -> Self {
            self.rule = self.rule.delay(delay);
            self
        }

        /// The latest answer sends half of its announced body, then resets the connection.
        pub fn truncated(mut self) -> Self {
            self.rule = self.rule.truncated();
            self
        }

        /// Matches only requests `check` accepts; `what` describes the condition in reports.
        pub fn matching(
            mut self,
            what: &str,
            check: impl Fn(&$crate::mock::ReceivedRequest) -> bool + Send + Sync + 'static,
        ) -> Self {
            self.rule = self.rule.matching(what, check);
            self
        }

        /// Expects exactly `n` calls (after them the rule no longer matches).
        pub fn times(mut self, n: usize) -> Self {
            self.rule = self.rule.times(n);
            self
        }

        /// Expects at least `n` calls.
        pub fn at_least(mut self, n: usize) -> Self {
            self.rule = self.rule.at_least(n);
            self
        }

        /// Expects at most `n` calls (after them the rule no longer matches).
        pub fn at_most(mut self, n: usize) -> Self {
            self.rule = self.rule.at_most(n);
            self
        }

        /// Expects no call: a matching request fails the test.
        pub fn never(mut self) -> Self {
            self.rule = self.rule.never();
            self
        }

        /// Any number of calls, none included.
        pub fn any_times(mut self) -> Self {
            self.rule = self.rule.any_times();
            self
        }

        /// How many requests the rule answered so far.
        pub fn calls(&self) -> usize {
            self.rule.calls()
        }

        /// The requests the rule answered so far.
        pub fn requests(&self) -> ::std::vec::Vec<$crate::mock::ReceivedRequest> {
            self.rule.requests()
        }

        /// The untyped rule, for matchers and answers the typed methods do not cover.
        pub fn untyped(self) -> $crate::mock::Expectation {
            self.rule
        }
    };
}
