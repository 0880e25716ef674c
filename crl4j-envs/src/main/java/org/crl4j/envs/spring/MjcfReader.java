package org.crl4j.envs.spring;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.crl4j.envs.spring.MjcfModel.Body;
import org.crl4j.envs.spring.MjcfModel.Geom;
import org.crl4j.envs.spring.MjcfModel.GeomType;
import org.crl4j.envs.spring.MjcfModel.Joint;
import org.crl4j.envs.spring.MjcfModel.JointType;
import org.crl4j.envs.spring.MjcfModel.Motor;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * A small MJCF reader for the subset Brax's spring models use: {@code compiler} (angle, coordinate), {@code option}
 * (timestep, gravity), {@code custom/numeric}, one top-level {@code default} for joint, geom and motor attributes,
 * nested bodies with {@code pos}/{@code quat}, geoms (sphere, capsule, box, plane; {@code fromto} for capsules),
 * free, hinge and slide joints with axes and ranges, and motors with gear and control range. Visual-only elements
 * (light, camera, site, asset, material) are skipped. Anything else that would change the physics is rejected with
 * an {@link IllegalArgumentException} whose one-line message names the element.
 */
public final class MjcfReader {
    private MjcfReader() {
    }

    private static final double[] IDENTITY = {1, 0, 0, 0};

    /** Parses an MJCF document from a string. */
    public static MjcfModel parse(String xml) {
        return read(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    /** Parses an MJCF document from a classpath resource next to {@code anchor}. */
    public static MjcfModel resource(Class<?> anchor, String name) {
        try (InputStream in = anchor.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no MJCF resource '" + name + "' next to " + anchor.getName());
            }
            return read(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read MJCF resource '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Reads the raw XML document (for callers that add elements, e.g. maze walls, before {@link #read(Document)}). */
    public static Document document(InputStream in) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            return b.parse(in);
        } catch (SAXException e) {
            throw new IllegalArgumentException("malformed MJCF XML: " + e.getMessage().replace('\n', ' '), e);
        } catch (IOException | ParserConfigurationException e) {
            throw new IllegalArgumentException("cannot read MJCF XML: " + e.getMessage(), e);
        }
    }

    public static MjcfModel read(InputStream in) {
        return read(document(in));
    }

    /** Builds the model from a parsed document. */
    public static MjcfModel read(Document doc) {
        Element root = doc.getDocumentElement();
        if (!root.getTagName().equals("mujoco")) {
            throw new IllegalArgumentException("MJCF root element must be <mujoco>, got <" + root.getTagName() + ">");
        }
        boolean degrees = true; // MuJoCo's default
        Element compiler = child(root, "compiler");
        if (compiler != null) {
            String angle = compiler.getAttribute("angle");
            if (!angle.isEmpty() && !angle.equals("degree") && !angle.equals("radian")) {
                throw new IllegalArgumentException("compiler angle must be 'degree' or 'radian', got '" + angle + "'");
            }
            degrees = !angle.equals("radian");
            String coordinate = compiler.getAttribute("coordinate");
            if (!coordinate.isEmpty() && !coordinate.equals("local")) {
                throw new IllegalArgumentException("only compiler coordinate='local' is supported, got '"
                        + coordinate + "'");
            }
        }
        double timestep = 0.002;
        double[] gravity = {0, 0, -9.81};
        Element option = child(root, "option");
        if (option != null) {
            timestep = has(option, "timestep") ? number(option, "timestep") : timestep;
            gravity = has(option, "gravity") ? numbers(option, "gravity", 3) : gravity;
        }
        Map<String, double[]> custom = new LinkedHashMap<>();
        for (Element c : children(root, "custom")) {
            for (Element n : children(c, "numeric")) {
                custom.put(required(n, "name"), numbers(n, "data", -1));
            }
        }
        Defaults defaults = defaults(child(root, "default"));
        Element world = child(root, "worldbody");
        if (world == null) {
            throw new IllegalArgumentException("MJCF has no <worldbody>");
        }
        Reader r = new Reader(defaults, degrees);
        r.readChildren(world, -1, new double[3], IDENTITY.clone());
        List<Motor> motors = new ArrayList<>();
        for (Element act : children(root, "actuator")) {
            for (Element m : elements(act)) {
                if (!m.getTagName().equals("motor")) {
                    throw new IllegalArgumentException("actuator <" + m.getTagName() + "> is not supported; use "
                            + "<motor>");
                }
                Map<String, String> a = defaults.merged("motor", m);
                String joint = a.get("joint");
                if (joint == null) {
                    throw new IllegalArgumentException("<motor> needs a joint attribute");
                }
                double[] range = a.containsKey("ctrlrange") ? parse(a.get("ctrlrange"), "motor ctrlrange", 2)
                        : new double[] {-1, 1};
                boolean limited = bool(a.getOrDefault("ctrllimited", a.containsKey("ctrlrange") ? "true" : "false"));
                double gear = a.containsKey("gear") ? parse(a.get("gear"), "motor gear", -1)[0] : 1.0;
                motors.add(new Motor(joint, gear, limited, range[0], range[1]));
            }
        }
        return new MjcfModel(timestep, gravity, custom, r.bodies, r.worldGeoms, motors);
    }

    // ---- bodies -------------------------------------------------------------------------------------------------

    private static final class Reader {
        final Defaults defaults;
        final boolean degrees;
        final List<Body> bodies = new ArrayList<>();
        final List<Geom> worldGeoms = new ArrayList<>();

        Reader(Defaults defaults, boolean degrees) {
            this.defaults = defaults;
            this.degrees = degrees;
        }

        /**
         * Reads the geoms and bodies under {@code e} into body {@code owner} (−1: world), each placed by the
         * transform (pos, quat) of the fused bodies between them and the owner.
         */
        void readChildren(Element e, int owner, double[] pos, double[] quat) {
            List<Geom> geoms = owner < 0 ? worldGeoms : bodies.get(owner).geoms();
            List<Element> fused = new ArrayList<>();
            for (Element c : elements(e)) {
                switch (c.getTagName()) {
                    case "geom" -> geoms.add(geom(c, pos, quat));
                    case "body" -> {
                        if (hasJoint(c)) {
                            body(c, owner, pos, quat);
                        } else {
                            fused.add(c);
                        }
                    }
                    case "joint", "freejoint" -> {
                        if (e.getTagName().equals("worldbody")) {
                            throw new IllegalArgumentException("the world body cannot have a joint");
                        }
                    }
                    case "inertial" -> { } // rejected in placement()
                    case "light", "camera", "site" -> { }
                    default -> throw new IllegalArgumentException("<" + c.getTagName() + "> inside <"
                            + e.getTagName() + "> is not supported by this MJCF reader");
                }
            }
            // Brax fuses a body without joints into its parent by appending its contents after the parent's own
            // children, which decides the order of the bodies (and so of q) that follow.
            for (Element c : fused) {
                double[][] t = placement(c, pos, quat);
                readChildren(c, owner, t[0], t[1]);
            }
        }

        static boolean hasJoint(Element body) {
            return !children(body, "joint").isEmpty() || !children(body, "freejoint").isEmpty();
        }

        /** World-of-owner position and orientation of body {@code e} placed in the frame (pos, quat). */
        static double[][] placement(Element e, double[] parentPos, double[] parentQuat) {
            if (has(e, "euler") || has(e, "axisangle") || has(e, "xyaxes") || has(e, "zaxis")) {
                throw new IllegalArgumentException("body '" + e.getAttribute("name") + "': only pos and quat "
                        + "orientations are supported");
            }
            if (!children(e, "inertial").isEmpty()) {
                throw new IllegalArgumentException("body '" + e.getAttribute("name") + "': <inertial> is not "
                        + "supported; masses come from the geoms");
            }
            double[] pos = has(e, "pos") ? numbers(e, "pos", 3) : new double[3];
            double[] quat = has(e, "quat") ? Quat.normalized(numbers(e, "quat", 4)) : IDENTITY.clone();
            return new double[][] {Quat.add(parentPos, Quat.rotate(parentQuat, pos)), Quat.mul(parentQuat, quat)};
        }

        void body(Element e, int parent, double[] parentPos, double[] parentQuat) {
            double[][] t = placement(e, parentPos, parentQuat);
            List<Joint> joints = new ArrayList<>();
            for (Element c : elements(e)) {
                if (c.getTagName().equals("joint") || c.getTagName().equals("freejoint")) {
                    joints.add(joint(c));
                }
            }
            bodies.add(new Body(e.getAttribute("name"), parent, t[0], t[1], joints, new ArrayList<>()));
            readChildren(e, bodies.size() - 1, new double[3], IDENTITY.clone());
        }

        Joint joint(Element e) {
            Map<String, String> a = defaults.merged("joint", e);
            String name = a.getOrDefault("name", "");
            JointType type;
            if (e.getTagName().equals("freejoint")) {
                type = JointType.FREE;
            } else {
                type = switch (a.getOrDefault("type", "hinge")) {
                    case "free" -> JointType.FREE;
                    case "hinge" -> JointType.HINGE;
                    case "slide" -> JointType.SLIDE;
                    default -> throw new IllegalArgumentException("joint '" + name + "' has type '"
                            + a.get("type") + "'; only free, hinge and slide are supported");
                };
            }
            double[] axis = a.containsKey("axis") ? parse(a.get("axis"), "joint axis", 3) : new double[] {0, 0, 1};
            double n = Math.sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
            if (!(n > 1e-12)) {
                throw new IllegalArgumentException("joint '" + name + "' has a zero axis");
            }
            axis = new double[] {axis[0] / n, axis[1] / n, axis[2] / n};
            double[] pos = a.containsKey("pos") ? parse(a.get("pos"), "joint pos", 3) : new double[3];
            boolean hasRange = a.containsKey("range");
            String lim = a.getOrDefault("limited", "auto");
            boolean limited = type != JointType.FREE && (lim.equals("auto") ? hasRange : bool(lim));
            double lo = Double.NEGATIVE_INFINITY;
            double hi = Double.POSITIVE_INFINITY;
            if (limited) {
                if (!hasRange) {
                    throw new IllegalArgumentException("joint '" + name + "' is limited but has no range");
                }
                double[] r = parse(a.get("range"), "joint range", 2);
                double scale = type == JointType.HINGE && degrees ? Math.PI / 180 : 1;
                lo = r[0] * scale;
                hi = r[1] * scale;
                if (!(lo <= hi)) {
                    throw new IllegalArgumentException("joint '" + name + "' has range low > high");
                }
            }
            return new Joint(name, type, axis, pos, limited, lo, hi);
        }

        Geom geom(Element e, double[] framePos, double[] frameQuat) {
            Map<String, String> a = defaults.merged("geom", e);
            String name = a.getOrDefault("name", "");
            GeomType type = switch (a.getOrDefault("type", "sphere")) {
                case "plane" -> GeomType.PLANE;
                case "sphere" -> GeomType.SPHERE;
                case "capsule" -> GeomType.CAPSULE;
                case "box" -> GeomType.BOX;
                default -> throw new IllegalArgumentException("geom '" + name + "' has type '" + a.get("type")
                        + "'; only plane, sphere, capsule and box are supported");
            };
            double[] size = a.containsKey("size") ? parse(a.get("size"), "geom size", -1) : new double[] {0};
            double[] pos;
            double[] quat;
            double[] sz = new double[3];
            if (a.containsKey("fromto")) {
                if (type != GeomType.CAPSULE) {
                    throw new IllegalArgumentException("geom '" + name + "': fromto is only supported on capsules");
                }
                double[] ft = parse(a.get("fromto"), "geom fromto", 6);
                double dx = ft[3] - ft[0], dy = ft[4] - ft[1], dz = ft[5] - ft[2];
                double len = Math.sqrt(dx * dx + dy * dy + dz * dz);
                pos = new double[] {(ft[0] + ft[3]) / 2, (ft[1] + ft[4]) / 2, (ft[2] + ft[5]) / 2};
                quat = Quat.fromZTo(dx, dy, dz);
                sz[0] = size[0];
                sz[1] = len / 2;
            } else {
                pos = a.containsKey("pos") ? parse(a.get("pos"), "geom pos", 3) : new double[3];
                quat = a.containsKey("quat") ? Quat.normalized(parse(a.get("quat"), "geom quat", 4)) : IDENTITY.clone();
                int need = switch (type) {
                    case SPHERE -> 1;
                    case CAPSULE -> 2;
                    case BOX -> 3;
                    case PLANE -> 0;
                };
                if (size.length < need) {
                    throw new IllegalArgumentException("geom '" + name + "' of type " + type.name()
                            .toLowerCase(Locale.ROOT) + " needs " + need + " size values, got " + size.length);
                }
                System.arraycopy(size, 0, sz, 0, Math.min(3, size.length));
            }
            if (type != GeomType.PLANE && !(sz[0] > 0)) {
                throw new IllegalArgumentException("geom '" + name + "' needs a positive size");
            }
            if (has(e, "euler") || has(e, "axisangle")) {
                throw new IllegalArgumentException("geom '" + name + "': only quat orientations are supported");
            }
            double[] wp = Quat.add(framePos, Quat.rotate(frameQuat, pos));
            double[] wq = Quat.mul(frameQuat, quat);
            int contype = a.containsKey("contype") ? (int) parse(a.get("contype"), "geom contype", 1)[0] : 1;
            int conaffinity = a.containsKey("conaffinity")
                    ? (int) parse(a.get("conaffinity"), "geom conaffinity", 1)[0] : 1;
            double friction = a.containsKey("friction") ? parse(a.get("friction"), "geom friction", -1)[0] : 1.0;
            double density = a.containsKey("density") ? parse(a.get("density"), "geom density", 1)[0] : 1000.0;
            double mass = a.containsKey("mass") ? parse(a.get("mass"), "geom mass", 1)[0] : Double.NaN;
            return new Geom(name, type, sz, wp, wq, contype, conaffinity, friction, density, mass);
        }
    }

    // ---- defaults -----------------------------------------------------------------------------------------------

    /** The attributes of the top-level {@code <default>}'s joint, geom and motor elements. */
    private record Defaults(Map<String, Map<String, String>> byTag) {
        Map<String, String> merged(String tag, Element e) {
            Map<String, String> out = new HashMap<>(byTag.getOrDefault(tag, Map.of()));
            for (int i = 0; i < e.getAttributes().getLength(); i++) {
                Node n = e.getAttributes().item(i);
                out.put(n.getNodeName(), n.getNodeValue().trim());
            }
            if (out.containsKey("class") || out.containsKey("childclass")) {
                throw new IllegalArgumentException("default classes are not supported (<" + tag + " class=...>)");
            }
            return out;
        }
    }

    private static Defaults defaults(Element d) {
        Map<String, Map<String, String>> map = new HashMap<>();
        if (d != null) {
            for (Element c : elements(d)) {
                if (c.getTagName().equals("default")) {
                    throw new IllegalArgumentException("nested <default> classes are not supported");
                }
                Map<String, String> attrs = new HashMap<>();
                for (int i = 0; i < c.getAttributes().getLength(); i++) {
                    Node n = c.getAttributes().item(i);
                    attrs.put(n.getNodeName(), n.getNodeValue().trim());
                }
                map.put(c.getTagName(), attrs);
            }
        }
        return new Defaults(map);
    }

    // ---- XML helpers --------------------------------------------------------------------------------------------

    private static List<Element> elements(Element e) {
        List<Element> out = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) {
                out.add(c);
            }
        }
        return out;
    }

    private static List<Element> children(Element e, String tag) {
        List<Element> out = new ArrayList<>();
        for (Element c : elements(e)) {
            if (c.getTagName().equals(tag)) {
                out.add(c);
            }
        }
        return out;
    }

    private static Element child(Element e, String tag) {
        List<Element> c = children(e, tag);
        return c.isEmpty() ? null : c.get(0);
    }

    private static boolean has(Element e, String attr) {
        return e.hasAttribute(attr);
    }

    private static String required(Element e, String attr) {
        if (!e.hasAttribute(attr)) {
            throw new IllegalArgumentException("<" + e.getTagName() + "> needs a '" + attr + "' attribute");
        }
        return e.getAttribute(attr);
    }

    private static double number(Element e, String attr) {
        return numbers(e, attr, 1)[0];
    }

    private static double[] numbers(Element e, String attr, int count) {
        return parse(required(e, attr), e.getTagName() + " " + attr, count);
    }

    private static boolean bool(String s) {
        return switch (s) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("expected 'true' or 'false', got '" + s + "'");
        };
    }

    /** Whitespace-separated numbers; exactly {@code count} of them unless count is −1 (at least one). */
    static double[] parse(String text, String what, int count) {
        String t = text.trim();
        String[] parts = t.isEmpty() ? new String[0] : t.split("\\s+");
        if (count >= 0 ? parts.length != count : parts.length == 0) {
            throw new IllegalArgumentException(what + " needs " + (count >= 0 ? count : "at least 1")
                    + " numbers, got '" + text + "'");
        }
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Double.parseDouble(parts[i]);
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(what + ": '" + parts[i] + "' is not a number");
            }
            if (!Double.isFinite(out[i])) {
                throw new IllegalArgumentException(what + ": '" + parts[i] + "' is not finite");
            }
        }
        return out;
    }
}
