namespace ModelBuild.Core.Execution.Float;

/// <summary>Reuses activation buffers of equal length across layers and runs, so memory does not grow with use.</summary>
internal sealed class BufferPool
{
    private readonly Dictionary<int, Stack<float[]>> _free = new();

    public float[] Rent(int length)
    {
        if (_free.TryGetValue(length, out var stack) && stack.Count > 0) return stack.Pop();
        return new float[length];
    }

    public void Return(float[] buffer)
    {
        if (!_free.TryGetValue(buffer.Length, out var stack)) _free[buffer.Length] = stack = new Stack<float[]>();
        stack.Push(buffer);
    }
}
