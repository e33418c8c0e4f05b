"""What coordinators do: accounts and regions, need edits with history, the audit log.
Functions take a session and the acting user; the admin blueprint only calls them."""
