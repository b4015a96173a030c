"""What everything else stands on: settings, the database, models, encryption, keys, logs,
metrics and the clock."""
