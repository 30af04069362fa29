"""The Dataset page's room: its widgets and logic, one module per part of the page (its state:
components/state/dataset.py).

- ``source``: where the rows come from (upload, data folder, corpus result) and the columns picked
- ``predict``: every row predicted, and scored against the true labels
- ``filters``: the rows table's filters and presets, pure functions
- ``rows``: the rows table, its selection by row id, and the rows shown sent to a review pack
- ``explained``: the selected rows explained in place
- ``label_issues``: likely label errors
- ``words``: which words drive the model
- ``compare``: the comparison with a second model (B)
- ``downloads``, ``report``, ``figures``, ``tables``, ``records``: files, the HTML report, Plotly figures,
  data frames and the records the sections pass on
"""
