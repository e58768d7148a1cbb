"""The index stage: ICU analysis, schema, generations and builds of the Whoosh index."""
