"""The interview without a screen: what is asked, what an answer means, where to go next.

- ``script``: the steps of ``prompts/interview.yaml`` and the phrases of ``prompts/ui.yaml``;
- ``flow``: the state machine over a session (``Flow``: question, submit → ``Outcome``, move);
- ``section5``: section 五 as items, the standard wording offered while typing, last year's
  problems walked through;
- ``service``: one open interview's session, rule engine and renderer (``InterviewService``),
  called from the screen's thread workers;
- ``findings``: which findings the interview shows and when;
- ``review``: the rows of the review page;
- ``start``: a new year's report from last year's.

Importable and tested without Textual; ``gkassist.ui`` displays what these return.
"""
