// Two test classes at a time: most of a `dotnet build` of a generated project (evaluation, restore, one model's
// pipeline) keeps one core busy, so two classes side by side use both cores of a CI machine. Every class works in
// projects, package feeds and caches of its own; classes that must not share the machine say [DoNotParallelize].
[assembly: Microsoft.VisualStudio.TestTools.UnitTesting.Parallelize(Workers = 2, Scope = Microsoft.VisualStudio.TestTools.UnitTesting.ExecutionScope.ClassLevel)]
