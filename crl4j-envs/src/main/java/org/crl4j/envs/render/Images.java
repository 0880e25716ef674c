package org.crl4j.envs.render;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

import org.crl4j.core.io.AtomicFiles;

/** PNG and animated GIF files from frames, with the JDK's ImageIO only; files are written atomically. */
public final class Images {
    static {
        // ImageIO's default disk cache registers a shutdown hook that closes every cache stream still open: a PNG or
        // GIF being written when the JVM is asked to stop (SIGTERM, a parent gone) then fails with "closed" instead
        // of the run stopping cleanly (ParentGoneTest saw it). Images are small: cache in memory.
        ImageIO.setUseCache(false);
    }

    private Images() {
    }

    public static void writePng(BufferedImage image, Path path) throws IOException {
        AtomicFiles.write(path, ch -> {
            OutputStream out = Channels.newOutputStream(ch);
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer in this JDK");
            }
            out.flush();
        });
    }

    /** An animated GIF that loops forever, {@code delayMs} per frame (GIF resolution: 10 ms). */
    public static void writeGif(List<BufferedImage> frames, int delayMs, Path path) throws IOException {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("no frames to write to " + path);
        }
        AtomicFiles.write(path, ch -> {
            OutputStream out = Channels.newOutputStream(ch);
            Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("gif");
            if (!writers.hasNext()) {
                throw new IOException("no GIF writer in this JDK");
            }
            ImageWriter writer = writers.next();
            try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
                writer.setOutput(ios);
                writer.prepareWriteSequence(null);
                for (int i = 0; i < frames.size(); i++) {
                    BufferedImage f = toIndexable(frames.get(i));
                    ImageWriteParam param = writer.getDefaultWriteParam();
                    IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(f), param);
                    configure(meta, Math.max(1, delayMs / 10), i == 0);
                    writer.writeToSequence(new IIOImage(f, null, meta), param);
                }
                writer.endWriteSequence();
            } finally {
                writer.dispose();
            }
            out.flush();
        });
    }

    private static BufferedImage toIndexable(BufferedImage img) {
        if (img.getType() == BufferedImage.TYPE_INT_RGB || img.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            return img;
        }
        BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        rgb.getGraphics().drawImage(img, 0, 0, null);
        return rgb;
    }

    private static void configure(IIOMetadata meta, int delayCs, boolean first) throws IOException {
        String format = meta.getNativeMetadataFormatName();
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
        IIOMetadataNode gce = child(root, "GraphicControlExtension");
        gce.setAttribute("disposalMethod", "none");
        gce.setAttribute("userInputFlag", "FALSE");
        gce.setAttribute("transparentColorFlag", "FALSE");
        gce.setAttribute("delayTime", Integer.toString(delayCs));
        gce.setAttribute("transparentColorIndex", "0");
        if (first) {
            IIOMetadataNode apps = child(root, "ApplicationExtensions");
            IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
            app.setAttribute("applicationID", "NETSCAPE");
            app.setAttribute("authenticationCode", "2.0");
            app.setUserObject(new byte[] {1, 0, 0}); // loop forever
            apps.appendChild(app);
        }
        meta.setFromTree(format, root);
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
                return (IIOMetadataNode) root.item(i);
            }
        }
        IIOMetadataNode n = new IIOMetadataNode(name);
        root.appendChild(n);
        return n;
    }
}
