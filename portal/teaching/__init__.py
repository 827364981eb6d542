"""The teacher's class view: AUP and quiz status, what to revisit, pupils' quiz settings."""
