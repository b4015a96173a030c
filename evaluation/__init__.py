"""`python -m evaluation`: measure notifier.understanding.classify on the labelled corpus.

Reads ``evaluation/corpus/dev.jsonl`` and ``heldout.jsonl`` (see the corpus README), runs the
classifier with each line's context, and reports precision / recall per category and signal,
the risk figures and the targets. It is a report: the exit code is 0 even when a target is
missed, 2 when the corpus is missing or invalid.
"""
