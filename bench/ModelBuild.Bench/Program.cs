using ModelBuild.Bench;

// dotnet run -c Release --project bench/ModelBuild.Bench -- <command> [options]; see docs/PERFORMANCE.md.
const string usage = """
    usage: ModelBuild.Bench <command> [options]
      float      [--models resnet101,mobilenetv2] [--runs 10] [--batch 4] [--profile [--top 15]]
                 1. FloatExecutor vs TFLite 2.9 XNNPACK (and builtin) on the same float model, same input, same threads
      int8       [--models resnet101,mobilenetv2] [--runs 10]
                 2. Int8Executor vs TFLite 2.9 builtin int8 kernels on the same int8 model
      executors  1 and 2
      layers     [--only 3x3,dw] [--runs 20]   one-op float models, FloatExecutor vs XNNPACK (kernel work)
      build      [--samples 8,64] [--runs 3] [--configuration Debug]
                 3. dotnet build of samples/ResNet101: wall time, peak memory, time per task
      noop       [--runs 7] [--configuration Debug]
                 4. no-op incremental build of the sample vs the same project without KerasModel
      cache      [--runs 3] [--samples 8] [--configuration Debug]
                 6. the sample with a model cache: cold, warm (ModelBuild outputs removed), warm fresh clone, no-op
      targets    [--runs 3] [--images 256] [--folder artifacts/bench/calibration-256] [--configuration Debug]
                 issue 15's build figures side by side, interleaved: the sample's re-conversion as shipped (and its
                 tasks), the sample with 256 calibration images (time, peak memory), no-op vs no KerasModel
      scaling    [--models ResNet50,ResNet101,ResNet152] [--samples 8,16,32,64]
                 5. build time vs model and vs calibration sample count (ModelBuild.Core steps, no MSBuild)
      pipeline   <model.h5> <out-dir> [--calibration folder] [--samples 8] [--images N] [--preprocessing caffe] [--augment Auto|Off]
                 the four build steps of one model, each timed (what `scaling` runs per measurement)
      zoo        [--families EfficientNetB0,...] [--size 224] [--budget 7] [--samples 32]
                 every synthesized keras.applications family through the build steps: K, Edge TPU check, SQNR (docs/MODELS.md)
      fuzz       [--inputs 10000] [--seed 1] [--timeout 10] [--target 13_mnist_int8]
                 damaged copies of real .h5/.keras/.tflite files through the readers (docs/FUZZING.md);
                 replay one input: --target <file> --seed <seed> --inputs 1
    """;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(usage);
    return args.Length == 0 ? 2 : 0;
}

var a = new BenchArguments(args.Skip(1));
return args[0] switch
{
    "float" => FloatExecutorBench.Run(a),
    "int8" => Int8ExecutorBench.Run(a),
    "executors" => FloatExecutorBench.Run(a) | Int8ExecutorBench.Run(a),
    "layers" => LayerBench.Run(a),
    "build" => SampleBuildBench.Run(a),
    "noop" => NoOpBuildBench.Run(a),
    "cache" => CacheBuildBench.Run(a),
    "targets" => TargetsBench.Run(a),
    "scaling" => ScalingBench.Run(a),
    "pipeline" => PipelineCommand.Run(a),
    "fuzz" => FuzzCommand.Run(a),
    "zoo" => ZooBench.Run(a),
    _ => Unknown(args[0]),
};

int Unknown(string command)
{
    Console.Error.WriteLine($"unknown command '{command}'.\n{usage}");
    return 2;
}
