// Every test starts real `dotnet build` processes; on a shared two-core machine they run one at a time.
[assembly: Microsoft.VisualStudio.TestTools.UnitTesting.DoNotParallelize]
