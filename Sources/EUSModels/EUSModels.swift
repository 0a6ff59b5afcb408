// EUSModels: see README.md, "Design".
