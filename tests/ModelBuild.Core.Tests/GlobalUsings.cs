// The test-graph builders (TestGraphs/, one static class <Subject>TestGraphs per family of graphs) are used across stages.
global using ModelBuild.Core.Tests.TestGraphs;
