namespace ModelBuild.TestSupport;

/// <summary>The TFLite runtime refused a model or failed to run it; the message carries what it reported.</summary>
public sealed class TfLiteRuntimeException(string message) : Exception(message);
