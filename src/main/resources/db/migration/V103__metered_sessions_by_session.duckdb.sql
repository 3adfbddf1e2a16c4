-- Marked sessions by session id alone: DuckDB looks rows up through an index only where the filter is
-- one column's (its primary key on session and identity serves no such look-up), so a batch finds its
-- few sessions among millions of marks here instead of reading every mark (MeteredSessions).
CREATE INDEX metered_sessions_session ON metered_sessions (session_id);
