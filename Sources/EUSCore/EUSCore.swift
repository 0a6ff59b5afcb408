// EUSCore: see README.md, "Design".
