using ModelBuild.Cli;
using ModelBuild.Core.Diagnostics;

try
{
    return Commands.Run(args);
}
catch (ModelBuildException e)
{
    Console.Error.WriteLine($"error {e}");
    return 1;
}
catch (UsageException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine();
    Console.Error.WriteLine(Commands.Usage);
    return 2;
}
