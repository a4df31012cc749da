using ModelBuild.EdgeTpuCompilerStandIn;

return StandInCompiler.Run(args, Console.Out, Console.Error);
