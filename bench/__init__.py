"""The benchmarks (`sanpalang bench NAME`) and the tools that drive a scratch hub for them and for
the integration tests. Outside the shipped processes: nothing the hub runs imports it."""
