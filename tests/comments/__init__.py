"""One test file per comment-workflow action (mẫu 3-213, meetings, notices, ratings)."""
