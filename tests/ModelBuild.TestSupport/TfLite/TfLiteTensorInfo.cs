namespace ModelBuild.TestSupport;

/// <summary>An input or output tensor as the runtime sees it after AllocateTensors.</summary>
public sealed record TfLiteTensorInfo(string Name, TfLiteTensorType Type, int[] Shape, int ByteSize, float Scale, int ZeroPoint)
{
    public override string ToString() => $"{Name} {Type}[{string.Join('x', Shape)}] scale={Scale} zp={ZeroPoint}";
}
