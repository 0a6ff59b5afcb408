// EUSPipeline: see README.md, "Design".
