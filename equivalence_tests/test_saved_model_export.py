"""saved_model_export: SavedModelBuilder + predict signature vs tf.saved_model.save, export."""
import dataclasses
import tempfile

import keras
import numpy as np
import tensorflow as tf

from tf1to2 import data, testing, tolerances
from tf1_style import saved_model_export as tf1_saved_model_export
from tf2_style import saved_model_export as tf2_saved_model_export

HP = tf2_saved_model_export.HP


def training_mode_serving_signature(model):
    """The signature calls the model with training=True: batch statistics of the request."""
    @tf.function(input_signature=[tf.TensorSpec([None, 28, 28, 1], tf.float32,
                                                name=HP.input_name)])
    def serve(images):
        logits = model(images, training=True)
        return {"logits": logits, "probabilities": tf.nn.softmax(logits)}
    return serve


class SavedModelExportTest(testing.EquivalenceTest):
    EXAMPLE = "saved_model_export"
    QUANTITIES = ("variables", "outputs", "losses", "trajectory", "metrics")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._directory = tempfile.TemporaryDirectory()
        cls.mnist = data.mnist("bundled")
        cls.images = cls.mnist.eval_images[:HP.serve_examples]
        cls.tf1_export = f"{cls._directory.name}/tf1"
        tf1_saved_model_export.train(
            0, cls.mnist.random_batches(HP.batch_size, HP.steps, 0), cls.tf1_export)

    @classmethod
    def tearDownClass(cls):
        cls._directory.cleanup()

    def test_signature_names_and_dtypes(self):
        expected = {f"{HP.signature}/inputs/images/dtype": tf.float32.as_datatype_enum,
                    f"{HP.signature}/outputs/logits/dtype": tf.float32.as_datatype_enum,
                    f"{HP.signature}/outputs/probabilities/dtype": tf.float32.as_datatype_enum}
        report = self.report(0)
        self.assertEqual(report.tf1.metrics, expected)
        self.assertEqual(report.tf2.metrics, expected)

    def test_tf2_serves_the_tf1_saved_model(self):
        # The way to keep serving an old model: load it in TF2 and call its signature.
        loaded = tf.saved_model.load(self.tf1_export)
        tf1_served, _ = tf1_saved_model_export.serve(self.tf1_export, self.images)
        served = loaded.signatures[HP.signature](images=tf.constant(self.images))
        for name in HP.output_names:
            np.testing.assert_array_equal(served[name].numpy(),
                                          tf1_served[f"{HP.signature}/{name}"])
        # What does not carry over: no Keras model, no __call__, no trainable variables
        # (the 8 variables are there, read-only to any optimizer that looks for trainables).
        self.assertFalse(callable(loaded))
        self.assertEqual(len(loaded.variables), 8)
        self.assertFalse(hasattr(loaded, "trainable_variables"))
        self.assertEqual(list(loaded.signatures), [HP.signature])

    def test_keras_export_serves_the_same_logits_under_other_names(self):
        # PITFALLS #41: Keras 3's model.export: the same numbers, but its own signature names.
        keras.utils.set_random_seed(0)
        model = tf2_saved_model_export.build_model(self.images, training=False)
        export_dir = f"{self._directory.name}/keras"
        model.export(export_dir, verbose=False)
        loaded = tf.saved_model.load(export_dir)
        self.assertEqual(sorted(loaded.signatures), ["serve", "serving_default"])
        signature = loaded.signatures["serving_default"]
        (input_name, spec), = signature.structured_input_signature[1].items()
        self.assertTrue(input_name.startswith("keras_tensor"))   # not "images"
        self.assertEqual(list(signature.structured_outputs), ["output_0"])   # logits only
        saved_module = f"{self._directory.name}/module"
        tf2_saved_model_export.export(model, saved_module)
        served, _ = tf2_saved_model_export.serve(saved_module, self.images)
        np.testing.assert_allclose(
            signature(**{input_name: tf.constant(self.images)})["output_0"].numpy(),
            served[f"{HP.signature}/logits"], atol=tolerances.FLOAT32_FORWARD.atol,
            rtol=tolerances.FLOAT32_FORWARD.rtol)

    def test_planted_wrong_input_name_is_caught(self):
        # A signature whose names are not the TF1 export's breaks its clients (PITFALLS #41).
        report = self.assert_caught("metrics", HP=dataclasses.replace(HP, input_name="inputs"))
        self.assertIn("TF2 lacks ['serving_default/inputs/images/dtype']",
                      report.check("metrics").detail)

    def test_planted_training_mode_batch_norm_in_export_is_caught(self):
        # PITFALLS #16: the export's batch norm left in training mode.
        report = self.assert_caught("outputs", serving_signature=training_mode_serving_signature)
        self.assertGreater(report.check("outputs").max_abs_diff, 0.1)
        self.assertTrue(report.check("trajectory").ok)
