"""The toolkit the agency mappings (`connectors.agencies`) share: reading a native record's fields
(`fields`, `values`), the controlled vocabularies (`vocab`), persons and their papers (`people`),
exploitation periods (`exploitation`), and the canonical envelope with its deterministic ids
(`envelope`); `kept` is what the readers remember from one record to the next. Pure, like the
mappings."""
