"""The benchmark data set: ``generator.py`` builds it (``Generator.run``, with the rows made by subject in
``directory.py``, ``documents.py``, ``flow.py``, ``texts.py`` and written by ``writers.py``),
``vocabulary.py`` holds its Vietnamese words, ``python -m benchdata`` (``__main__.py``) writes it into
the database of ``DATABASE_URL``. Nothing is imported here, so that the command can set Django up
before the generator loads the models."""
