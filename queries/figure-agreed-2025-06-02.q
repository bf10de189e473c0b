# An expected figure is shown, but never counts.
figures exchange/agreed-2025-06-02/people
